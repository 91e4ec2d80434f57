//! Log–log plotting on top of ratatui's `Chart`, which has linear axes only:
//! values are plotted as `log10`, axes are labelled at decades (1e3, 1e4, …),
//! non-positive values are dropped (they have no place on a log axis), and
//! long series are thinned in log-x buckets keeping each bucket's extremes.

/// `(log10 x, log10 y)` of the points with positive, finite coordinates.
pub fn to_log(points: impl IntoIterator<Item = (f64, f64)>) -> Vec<(f64, f64)> {
    points
        .into_iter()
        .filter(|&(x, y)| x > 0.0 && y > 0.0 && x.is_finite() && y.is_finite())
        .map(|(x, y)| (x.log10(), y.log10()))
        .collect()
}

/// Thins points sorted by x to at most about `2 * buckets` points: in each of
/// `buckets` equal slices of `[lo, hi]` (log x), the points with the least and
/// the greatest y are kept, in x order, so no spike is hidden.
pub fn downsample(points: &[(f64, f64)], lo: f64, hi: f64, buckets: usize) -> Vec<(f64, f64)> {
    if points.len() <= 2 * buckets.max(1) || hi <= lo {
        return points.to_vec();
    }
    let width = (hi - lo) / buckets as f64;
    let bucket = |x: f64| (((x - lo) / width).floor().max(0.0) as usize).min(buckets - 1);
    let mut out = Vec::with_capacity(2 * buckets);
    let mut i = 0;
    while i < points.len() {
        let b = bucket(points[i].0);
        let mut j = i;
        let (mut min, mut max) = (i, i);
        while j < points.len() && bucket(points[j].0) == b {
            if points[j].1 < points[min].1 {
                min = j;
            }
            if points[j].1 > points[max].1 {
                max = j;
            }
            j += 1;
        }
        let (a, c) = if min <= max { (min, max) } else { (max, min) };
        out.push(points[a]);
        if c != a {
            out.push(points[c]);
        }
        i = j;
    }
    out
}

/// A log axis: bounds in log10 and the labels spread evenly over them.
#[derive(Clone, Debug, PartialEq)]
pub struct LogAxis {
    pub bounds: [f64; 2],
    pub labels: Vec<String>,
}

/// `10^k` as a label: `1`, `10`, `100`, `1e3`, `1e-2`.
pub fn decade_label(k: i32) -> String {
    match k {
        0 => "1".into(),
        1 => "10".into(),
        2 => "100".into(),
        _ => format!("1e{k}"),
    }
}

/// A value in 4 characters or so: `0.42`, `3.1`, `250`, `1.2e5`.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".into()
    } else if !(1e-2..1e4).contains(&a) {
        let e = a.log10().floor() as i32;
        let m = v / 10f64.powi(e);
        if (m.abs() - 1.0).abs() < 0.05 { format!("1e{e}") } else { format!("{m:.1}e{e}") }
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

/// An axis over the given log10 values with at most `max_labels` labels:
/// whole decades when the values span at least one, otherwise the values'
/// own range (padded by 5%) labelled at its ends and middle.
pub fn log_axis(values: impl IntoIterator<Item = f64>, max_labels: usize) -> LogAxis {
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        min = min.min(v);
        max = max.max(v);
    }
    if !min.is_finite() {
        return LogAxis { bounds: [0.0, 1.0], labels: vec![decade_label(0), decade_label(1)] };
    }
    let (lo, hi) = (min.floor(), max.ceil());
    if max - min < 0.7 {
        let pad = ((max - min) * 0.05).max(0.02);
        let (a, b) = (min - pad, max + pad);
        let labels = if max_labels >= 3 {
            vec![short(10f64.powf(a)), short(10f64.powf((a + b) / 2.0)), short(10f64.powf(b))]
        } else {
            vec![short(10f64.powf(a)), short(10f64.powf(b))]
        };
        return LogAxis { bounds: [a, b], labels };
    }
    let (lo, hi) = (lo as i32, (hi as i32).max(lo as i32 + 1));
    let n = hi - lo;
    let max_labels = max_labels.max(2) as i32;
    let mut step = 1;
    while (n + step - 1) / step + 1 > max_labels {
        step += 1;
    }
    let count = (n + step - 1) / step;
    let hi = lo + count * step;
    LogAxis {
        bounds: [lo as f64, hi as f64],
        labels: (0..=count).map(|i| decade_label(lo + i * step)).collect(),
    }
}

/// The segment of the line `y = y0 + slope (x - x0)` inside the box, if any.
pub fn clip_line(x0: f64, y0: f64, slope: f64, xb: [f64; 2], yb: [f64; 2]) -> Option<[(f64, f64); 2]> {
    let y = |x: f64| y0 + slope * (x - x0);
    let (mut a, mut b) = (xb[0], xb[1]);
    if slope != 0.0 {
        let xa = x0 + (yb[0] - y0) / slope;
        let xc = x0 + (yb[1] - y0) / slope;
        let (lo, hi) = if xa < xc { (xa, xc) } else { (xc, xa) };
        a = a.max(lo);
        b = b.min(hi);
    } else if !(yb[0]..=yb[1]).contains(&y0) {
        return None;
    }
    (a < b).then(|| [(a, y(a)), (b, y(b))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_label_whole_powers() {
        let a = log_axis([2.3, 6.9], 8);
        assert_eq!(a.bounds, [2.0, 7.0]);
        assert_eq!(a.labels, ["100", "1e3", "1e4", "1e5", "1e6", "1e7"]);
        // Too many decades for the room: every other one, the top extended.
        let a = log_axis([0.0, 8.5], 4);
        assert_eq!(a.bounds, [0.0, 9.0]);
        assert_eq!(a.labels, ["1", "1e3", "1e6", "1e9"]);
        let a = log_axis([-2.5, -0.5], 8);
        assert_eq!(a.labels, ["1e-3", "1e-2", "1e-1", "1"]);
    }

    #[test]
    fn narrow_ranges_label_their_values() {
        let a = log_axis([0.5, 0.6], 3);
        assert!(a.bounds[0] < 0.5 && a.bounds[1] > 0.6);
        assert_eq!(a.labels.len(), 3);
        assert_eq!(log_axis([], 3).bounds, [0.0, 1.0]);
    }

    #[test]
    fn non_positive_values_are_dropped() {
        let p = to_log([(10.0, 1.0), (0.0, 1.0), (100.0, -1.0), (1000.0, 0.01), (f64::NAN, 1.0)]);
        assert_eq!(p, vec![(1.0, 0.0), (3.0, -2.0)]);
    }

    #[test]
    fn downsampling_keeps_each_buckets_extremes() {
        let pts: Vec<(f64, f64)> =
            (0..1000).map(|i| (i as f64 / 100.0, if i == 437 { 9.0 } else { 0.0 })).collect();
        let out = downsample(&pts, 0.0, 10.0, 10);
        assert!(out.len() <= 20, "{}", out.len());
        assert!(out.contains(&(4.37, 9.0)), "the spike survives");
        assert!(out.windows(2).all(|w| w[0].0 <= w[1].0), "x order kept");
        assert_eq!(downsample(&pts[..5], 0.0, 10.0, 10).len(), 5);
    }

    #[test]
    fn lines_are_clipped_to_the_box() {
        let seg = clip_line(0.0, 0.0, -1.0, [-5.0, 5.0], [-1.0, 1.0]).unwrap();
        assert_eq!(seg, [(-1.0, 1.0), (1.0, -1.0)]);
        assert!(clip_line(0.0, 5.0, 0.0, [0.0, 1.0], [0.0, 1.0]).is_none());
    }
}
