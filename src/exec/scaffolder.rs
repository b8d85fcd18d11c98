//! Scaffolder jobs: a template's form (its parameter schema from the server,
//! or its `spec.parameters` from a folder source) with the pickers' index,
//! creating a task, following its events, cancelling it.

use super::context::{JobContext, Outbox};
use crate::backstage::scaffolder::TaskEvent;
use crate::catalog::cache::Cache;
use crate::catalog::{Catalog, EntityRef};
use crate::form::source::{ListSource, PickerEntity};
use crate::form::{FormSpec, Node};
use crate::msg::Msg;
use crate::source::Source;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug)]
pub enum ScaffolderEffect {
    /// Load the template's form and index the catalog for its pickers.
    Prepare {
        template: String,
        catalog: Arc<Catalog>,
        me: Option<String>,
    },
    /// `POST /v2/tasks`.
    Create {
        template: String,
        values: Map<String, Value>,
        secrets: Map<String, Value>,
    },
    /// Stream a task's steps and log until it ends, from after event `after`.
    Follow {
        task: String,
        after: Option<u64>,
    },
    /// `GET /v2/tasks`: the recent tasks (`:tasks`).
    ListTasks,
    /// `POST /v2/tasks/{id}/retry`.
    Retry {
        task: String,
    },
    Cancel {
        task: String,
    },
}

/// A template's form, ready to fill in.
pub struct Prepared {
    pub spec: FormSpec,
    pub pickers: ListSource,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared").field("title", &self.spec.title).finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub enum ScaffolderMsg {
    Ready {
        template: String,
        result: Result<Box<Prepared>, String>,
    },
    Created {
        template: String,
        result: Result<String, String>,
    },
    /// The task itself (steps, status, output), fetched when following starts and when it ends.
    Task {
        task: String,
        body: Value,
    },
    Events {
        task: String,
        events: Vec<TaskEvent>,
    },
    /// Following stopped with an error (the task may still run on the server).
    Lost {
        task: String,
        message: String,
    },
    Cancelled {
        task: String,
        result: Result<(), String>,
    },
    Tasks {
        result: Result<Vec<crate::backstage::tasks::TaskSummary>, String>,
    },
    Retried {
        task: String,
        result: Result<(), String>,
    },
}

pub async fn run(effect: ScaffolderEffect, cx: &JobContext, out: &Outbox) {
    let send = |msg| out.send(Msg::Scaffolder(msg));
    match effect {
        ScaffolderEffect::Prepare { template, catalog, me } => {
            let result = prepare(cx, &template, catalog, me).await.map(Box::new);
            send(ScaffolderMsg::Ready { template, result });
        }
        ScaffolderEffect::Create { template, values, secrets } => {
            let result = match (cx.backstage.as_ref(), EntityRef::parse_full(&template)) {
                (Ok(client), Ok(r)) => client.create_task(&r, &values, &secrets).await.map_err(|e| e.to_string()),
                (Err(_), _) => Err("creating needs a Backstage instance: this source is a folder".into()),
                (_, Err(e)) => Err(e.to_string()),
            };
            send(ScaffolderMsg::Created { template, result });
        }
        ScaffolderEffect::Follow { task, after } => follow(cx, &task, after, out).await,
        ScaffolderEffect::ListTasks => {
            let result = match cx.backstage.as_ref() {
                Ok(client) => client.list_tasks(TASKS_SHOWN).await.map_err(|e| e.to_string()),
                Err(_) => Err("tasks live on a Backstage instance: this source is a folder".into()),
            };
            send(ScaffolderMsg::Tasks { result });
        }
        ScaffolderEffect::Retry { task } => {
            let result = match cx.backstage.as_ref() {
                Ok(client) => client.retry_task(&task).await.map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            };
            send(ScaffolderMsg::Retried { task, result });
        }
        ScaffolderEffect::Cancel { task } => {
            let result = match cx.backstage.as_ref() {
                Ok(client) => client.cancel_task(&task).await.map(|_| ()).map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            };
            send(ScaffolderMsg::Cancelled { task, result });
        }
    }
}

async fn prepare(
    cx: &JobContext,
    template: &str,
    catalog: Arc<Catalog>,
    me: Option<String>,
) -> Result<Prepared, String> {
    let spec = match &*cx.source {
        Source::Instance(_) => {
            let client = cx.backstage.as_ref().map_err(Clone::clone)?;
            let r = EntityRef::parse_full(template).map_err(|e| e.to_string())?;
            let node = client.parameter_schema(&r).await.map_err(|e| e.to_string())?;
            FormSpec::from_parameter_node(&node).map_err(|e| e.to_string())?
        }
        _ => {
            let (path, key) = (cx.source.cache_path(), template.to_string());
            let read = tokio::task::spawn_blocking(move || {
                let raw = Cache::open(&path).ok()?.raw(&key).ok().flatten()?;
                let written = parameters_as_written(&raw, &key);
                Some((raw, written))
            });
            let (raw, written) = read.await.ok().flatten().ok_or_else(|| format!("{template} is not in the cache"))?;
            let title = raw.pointer("/metadata/title").and_then(Value::as_str).map(str::to_string);
            let parameters =
                written.unwrap_or_else(|| Node::from_json(raw.pointer("/spec/parameters").unwrap_or(&Value::Null)));
            FormSpec::from_parameters(title.as_deref(), &parameters).map_err(|e| e.to_string())?
        }
    };
    let pickers =
        tokio::task::spawn_blocking(move || picker_index(&catalog, me.as_deref())).await.map_err(|e| e.to_string())?;
    Ok(Prepared { spec, pickers })
}

/// A folder source's template read again from its file, for its parameters
/// in the order they were written: the cache keeps JSON whose objects have
/// sorted keys, and a form shows fields in the template's order (as
/// Backstage does). None when the file cannot be read or no longer holds the
/// template; the cache's copy is used then.
fn parameters_as_written(raw: &Value, key: &str) -> Option<Node> {
    use crate::catalog::files::{split_documents, MANAGED_BY_LOCATION};
    let annotation = format!("/metadata/annotations/{}", MANAGED_BY_LOCATION.replace('/', "~1"));
    let file = raw.pointer(&annotation)?.as_str()?.strip_prefix("file:")?;
    let text = std::fs::read_to_string(file).ok()?;
    split_documents(&text).into_iter().find_map(|doc| {
        let node: Node = serde_yaml::from_str(&doc.text).ok()?;
        let (kind, name) = (node.at("kind").as_str()?, node.at("metadata").at("name").as_str()?);
        let namespace = node.at("metadata").at("namespace").as_str().unwrap_or("default");
        let this = EntityRef::parse(&format!("{kind}:{namespace}/{name}"), None, "default").ok()?;
        (this.key() == key).then(|| node.at("spec").at("parameters").clone())
    })
}

/// Every entity as the pickers filter it (`kind`, `spec.type`, `metadata.tags`,
/// `relations.ownedBy`, …), and my groups for MyGroupsPicker / owned-by-me.
pub fn picker_index(catalog: &Catalog, me: Option<&str>) -> ListSource {
    let entities = catalog
        .all()
        .iter()
        .map(|s| {
            let mut e = PickerEntity::new(&s.kind, &s.namespace, &s.name);
            for (field, value) in [
                ("metadata.title", &s.title),
                ("spec.type", &s.spec_type),
                ("spec.lifecycle", &s.lifecycle),
                ("spec.owner", &s.owner),
                ("relations.ownedBy", &s.owner),
                ("spec.system", &s.system),
            ] {
                if !value.is_empty() {
                    e = e.with(field, value);
                }
            }
            for tag in &s.tags {
                e = e.with("metadata.tags", tag);
            }
            e
        })
        .collect();
    let groups = me.map(|me| crate::catalog::graph::my_owners(catalog, me)).unwrap_or_default();
    let mut groups: Vec<String> = groups.into_iter().filter(|k| k.starts_with("group:")).collect();
    groups.sort();
    ListSource::new(entities, groups)
}

/// How many recent tasks `:tasks` lists.
pub const TASKS_SHOWN: usize = 100;

/// How long the event stream may stay silent before long-polling takes over.
pub const STREAM_IDLE: Duration = Duration::from_secs(45);

/// Follow a task: its spec first, then its events (the event stream, else
/// long-polling from the last id seen: `Client::follow_task`) until a
/// completion or cancellation, then the task again for its final status.
async fn follow(cx: &JobContext, task: &str, after: Option<u64>, out: &Outbox) {
    let send = |msg| out.send(Msg::Scaffolder(msg));
    let client = match cx.backstage.as_ref() {
        Ok(c) => c,
        Err(e) => return send(ScaffolderMsg::Lost { task: task.into(), message: e.clone() }),
    };
    match client.task(task).await {
        Ok(body) => send(ScaffolderMsg::Task { task: task.into(), body }),
        Err(e) => return send(ScaffolderMsg::Lost { task: task.into(), message: e.to_string() }),
    }
    let followed = client
        .follow_task(task, after, STREAM_IDLE, |events| send(ScaffolderMsg::Events { task: task.into(), events }))
        .await;
    match followed {
        Ok(f) => {
            tracing::info!(task, streamed = f.streamed, polled = f.polled, fell_back = ?f.fell_back, "task followed");
            if let Ok(body) = client.task(task).await {
                send(ScaffolderMsg::Task { task: task.into(), body });
            }
        }
        Err(message) => send(ScaffolderMsg::Lost { task: task.into(), message }),
    }
}
