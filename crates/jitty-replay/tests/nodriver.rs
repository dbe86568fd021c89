//! Without a registered specialization hook, `On` and `Force` are refused
//! before anything runs (this test binary registers none).

use jitty_replay::{RunError, Script, SpecMode};

#[test]
fn spec_modes_need_a_driver() {
    let script = Script::parse("spawn p1\n").expect("valid");
    for mode in [SpecMode::On, SpecMode::Force] {
        let mut out = Vec::new();
        match jitty_replay::run(&script, mode, &mut out) {
            Err(e @ RunError::NoDriver(_)) => {
                assert_eq!(
                    e.to_string(),
                    format!(
                        "replay --spec {mode}: no specialization driver is registered (set_spec_hook, \
                         use_kernel_driver)"
                    )
                );
            }
            other => panic!("{mode}: expected NoDriver, got {other:?}"),
        }
        assert!(out.is_empty());
    }
}
