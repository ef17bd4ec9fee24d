#[test]
fn integration_adds() {
    assert_eq!(calc::add(1, 1), 2);
}

#[test]
fn integration_subtracts() {
    assert_eq!(calc::sub(1, 1), 0);
}
