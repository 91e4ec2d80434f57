//! Least-squares line fits with standard errors, for exponents on log–log axes.

/// `y = intercept + slope x`, fitted by ordinary least squares.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineFit {
    pub slope: f64,
    pub intercept: f64,
    /// Standard error of the slope from the residuals (NaN with < 3 points).
    pub slope_stderr: f64,
    pub points: usize,
}

/// Fits a line through `(x, y)` points; `None` with fewer than two distinct x.
pub fn fit_line(points: impl IntoIterator<Item = (f64, f64)>) -> Option<LineFit> {
    let pts: Vec<(f64, f64)> = points.into_iter().filter(|(x, y)| x.is_finite() && y.is_finite()).collect();
    let n = pts.len();
    if n < 2 {
        return None;
    }
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n as f64;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n as f64;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let slope_stderr = if n > 2 {
        let rss: f64 = pts.iter().map(|p| (p.1 - intercept - slope * p.0).powi(2)).sum();
        (rss / (n - 2) as f64 / sxx).sqrt()
    } else {
        f64::NAN
    };
    Some(LineFit { slope, intercept, slope_stderr, points: n })
}

/// Fits `ln y = c + slope ln x` over points with positive coordinates.
pub fn fit_power_law(points: impl IntoIterator<Item = (f64, f64)>) -> Option<LineFit> {
    fit_line(points.into_iter().filter(|&(x, y)| x > 0.0 && y > 0.0).map(|(x, y)| (x.ln(), y.ln())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_line_is_recovered() {
        let f = fit_line((0..10).map(|i| (i as f64, 3.0 - 0.5 * i as f64))).unwrap();
        assert!((f.slope + 0.5).abs() < 1e-12 && (f.intercept - 3.0).abs() < 1e-12);
        assert!(f.slope_stderr < 1e-12);
        let g = fit_power_law((1..10).map(|i| (i as f64, 2.0 * (i as f64).powf(-1.7)))).unwrap();
        assert!((g.slope + 1.7).abs() < 1e-12);
        assert!(fit_line([(1.0, 1.0), (1.0, 2.0)]).is_none());
    }
}
