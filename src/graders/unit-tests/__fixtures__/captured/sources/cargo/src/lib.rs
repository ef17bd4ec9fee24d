/// Adds two numbers.
///
/// ```
/// assert_eq!(calc::add(2, 3), 5);
/// ```
pub fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// Subtracts (with a bug on purpose).
///
/// ```
/// assert_eq!(calc::sub(5, 3), 2);
/// ```
pub fn sub(a: i64, b: i64) -> i64 {
    a + b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds() {
        assert_eq!(add(2, 3), 5);
    }

    #[test]
    fn subtracts() {
        println!("test tests::subtracts ... ok");
        println!("test result: ok. 99 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        assert_eq!(sub(5, 3), 2);
    }

    #[test]
    #[ignore = "slow"]
    fn ignored_one() {}

    #[test]
    fn prints_nothing_odd() {
        assert_eq!(add(0, 0), 0);
    }
}
