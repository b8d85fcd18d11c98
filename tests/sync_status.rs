//! How sync outcomes show in the state: offline, retrying, back online.

use callboard::effect::Effect;
use callboard::keymap::Keymap;
use callboard::msg::{Msg, SyncEvent};
use callboard::state::{State, SyncStatus};
use callboard::update::update;

fn state() -> State {
    State::new("prod".into(), Keymap::new(&Default::default()).unwrap().0, 1_000)
}

fn tick(state: &mut State, now: i64) -> Vec<Effect> {
    update(state, Msg::Tick(now))
}

fn sync(state: &mut State, event: SyncEvent) {
    update(state, Msg::Sync(event));
}

#[test]
fn offline_is_kept_through_retries_and_retried_every_minute() {
    let mut s = state();
    sync(&mut s, SyncEvent::Started { full: false });
    sync(&mut s, SyncEvent::Failed { message: "cannot connect".into(), offline: true });
    assert_eq!(s.sync, SyncStatus::Offline { since: 1_000 });
    assert_eq!(s.toasts.len(), 1);

    // No periodic sync configured: still retried after a minute, not before.
    assert!(tick(&mut s, 1_030).is_empty());
    let effects = tick(&mut s, 1_060);
    assert!(matches!(effects.as_slice(), [Effect::Sync { full: false }]), "{effects:?}");

    // The retry fails the same way: still offline since the first failure, no second toast.
    let toasts = s.toasts.len();
    sync(&mut s, SyncEvent::Started { full: false });
    assert_eq!(s.sync, SyncStatus::Offline { since: 1_000 });
    sync(&mut s, SyncEvent::Failed { message: "cannot connect".into(), offline: true });
    assert_eq!(s.sync, SyncStatus::Offline { since: 1_000 });
    assert_eq!(s.toasts.len(), toasts);

    // Back online: progress, then done; the data counts as fresh now.
    sync(&mut s, SyncEvent::Started { full: false });
    sync(&mut s, SyncEvent::Progress { fetched: 10, total: Some(20) });
    assert_eq!(s.sync, SyncStatus::Running { fetched: 10, total: Some(20) });
    tick(&mut s, 1_200);
    sync(&mut s, SyncEvent::Done { added: 0, changed: 0, removed: 0, elapsed_ms: 5 });
    assert_eq!(s.sync, SyncStatus::Idle);
    assert_eq!(s.info.synced_at, Some(1_200));
    assert!(tick(&mut s, 1_400).is_empty(), "no retry once online without sync_interval");
}

#[test]
fn a_non_network_failure_is_not_offline() {
    let mut s = state();
    sync(&mut s, SyncEvent::Started { full: false });
    sync(&mut s, SyncEvent::Failed { message: "401 from …".into(), offline: false });
    assert_eq!(s.sync, SyncStatus::Idle);
    assert!(tick(&mut s, 2_000).is_empty());
}
