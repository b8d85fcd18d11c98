//! Bringing the cache up to date from the source, as a background task that
//! reports progress and results as messages.

pub mod backstage;

use crate::effect::Effect;
use crate::msg::Msg;
use crate::runtime::run_local;
use crate::source::Source;
use tokio::sync::mpsc::UnboundedSender;

/// Sync the source into its cache; every outcome arrives as a message.
pub async fn run_sync(source: &Source, full: bool, tx: &UnboundedSender<Msg>) {
    match source {
        Source::Demo(_) | Source::Dir(_) => {
            let source = source.clone();
            let msgs = tokio::task::spawn_blocking(move || run_local(Effect::Sync { full }, &source))
                .await
                .unwrap_or_default();
            for msg in msgs {
                let _ = tx.send(msg);
            }
        }
        Source::Instance(instance) => backstage::sync_to_channel(source, instance, full, tx).await,
    }
}
