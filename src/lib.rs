pub mod sk;
