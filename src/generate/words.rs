//! Word lists and a small seeded random source, so generated catalogs read
//! like a real company's and are byte-for-byte the same for a given seed.

/// SplitMix64: tiny, fast, and stable across platforms and crate versions
/// (a seed must give the same catalog forever, so no external RNG).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Heavily skewed towards 0: index 0 is drawn about n^(-1/3) of the time,
    /// so a few items collect thousands of picks (popular APIs, shared DBs).
    pub fn skewed(&mut self, n: usize) -> usize {
        ((self.unit().powi(3) * n as f64) as usize).min(n.saturating_sub(1))
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub const BUSINESS: &[&str] = &[
    "payments",
    "ledger",
    "checkout",
    "billing",
    "invoicing",
    "payouts",
    "risk",
    "fraud",
    "identity",
    "accounts",
    "onboarding",
    "kyc",
    "pricing",
    "catalog",
    "inventory",
    "orders",
    "shipping",
    "returns",
    "search",
    "recommendations",
    "notifications",
    "messaging",
    "email",
    "sms",
    "reporting",
    "analytics",
    "settlement",
    "reconciliation",
    "treasury",
    "tax",
    "compliance",
    "audit",
    "loyalty",
    "rewards",
    "subscriptions",
    "merchants",
    "partners",
    "support",
    "tickets",
    "chat",
    "media",
    "images",
    "video",
    "maps",
    "routing",
    "dispatch",
    "fleet",
    "scheduling",
    "booking",
    "calendar",
    "documents",
    "contracts",
    "consent",
    "privacy",
    "feature-flags",
    "experiments",
    "metrics",
    "logging",
    "tracing",
    "alerting",
    "deployments",
    "builds",
    "artifacts",
    "secrets",
    "certificates",
    "dns",
    "cdn",
    "gateway",
    "edge",
];

pub const COMPONENT_PARTS: &[&str] = &[
    "api",
    "service",
    "worker",
    "web",
    "bff",
    "gateway",
    "router",
    "scheduler",
    "consumer",
    "producer",
    "indexer",
    "exporter",
    "importer",
    "sync",
    "cron",
    "processor",
    "adapter",
    "proxy",
    "ui",
    "engine",
    "store",
    "cache-warmer",
    "validator",
    "reconciler",
    "notifier",
    "aggregator",
    "scorer",
    "resolver",
];

pub const COMPONENT_TYPES: &[&str] = &["service", "service", "service", "website", "library", "tool", "batch"];
pub const LIFECYCLES: &[&str] = &["production", "production", "production", "experimental", "deprecated"];
pub const API_TYPES: &[&str] = &["openapi", "openapi", "grpc", "asyncapi", "graphql"];
pub const RESOURCE_KINDS: &[(&str, &str)] = &[
    ("database", "db"),
    ("database", "replica"),
    ("queue", "queue"),
    ("topic", "events"),
    ("bucket", "bucket"),
    ("cache", "redis"),
    ("search-index", "index"),
];

pub const TAGS: &[&str] = &[
    "java",
    "kotlin",
    "go",
    "rust",
    "python",
    "typescript",
    "node",
    "react",
    "spring",
    "grpc",
    "kafka",
    "postgres",
    "mysql",
    "redis",
    "elasticsearch",
    "s3",
    "pci",
    "gdpr",
    "tier-1",
    "tier-2",
    "tier-3",
    "internal",
    "public",
    "legacy",
    "k8s",
    "lambda",
    "terraform",
    "batch",
    "streaming",
    "ml",
];

pub const FIRST: &[&str] = &[
    "ada", "alan", "amara", "ana", "arjun", "ben", "carla", "chen", "dana", "david", "elena", "emeka", "fatima",
    "felix", "grace", "hana", "ivan", "jana", "jin", "kofi", "lars", "lea", "luis", "maya", "mei", "nadia", "noah",
    "olga", "omar", "priya", "quinn", "rafael", "sara", "sven", "tariq", "uma", "vera", "wei", "xavier", "yara",
    "yusuf", "zoe",
];

pub const LAST: &[&str] = &[
    "adeyemi", "bauer", "cohen", "dubois", "eriksen", "fischer", "garcia", "haddad", "ito", "jensen", "kowalski",
    "lopez", "moreau", "nakamura", "okafor", "petrova", "quispe", "rossi", "silva", "tanaka", "ueda", "varga",
    "wagner", "xu", "yilmaz", "zhang", "novak", "horvat", "kim", "singh",
];

const OPENERS: &[&str] = &[
    "Handles",
    "Owns",
    "Serves",
    "Computes",
    "Publishes",
    "Stores",
    "Validates",
    "Routes",
    "Aggregates",
    "Schedules",
    "Reconciles",
    "Exposes",
];

const OBJECTS: &[&str] = &[
    "authorisation requests from merchants",
    "daily settlement files from acquirers",
    "customer profiles and their consent history",
    "events for downstream consumers over Kafka",
    "price quotes in every supported currency",
    "webhook deliveries with retries and exponential back-off",
    "search documents for the storefront",
    "audit records required by the regulator",
    "feature flag evaluations for mobile clients",
    "shipment labels and carrier tracking updates",
];

const DETAILS: &[&str] = &[
    "Runs in three regions with active-active failover.",
    "Latency budget is 120 ms at p99; alerts page the owning team.",
    "Backed by PostgreSQL with logical replication to the analytics warehouse.",
    "Idempotency keys make retries safe for clients.",
    "Reads are served from a write-through Redis cache.",
    "Migrated from the monolith in 2022; a few legacy endpoints remain.",
    "PCI scope: card data never leaves the vault, only tokens.",
    "Batch jobs run nightly at 02:00 UTC and take about forty minutes.",
    "Owned jointly with the platform team for the deployment pipeline.",
    "See the runbook for the manual failover procedure.",
];

/// Two to five sentences, 120–450 characters: the length real catalogs have.
pub fn description(rng: &mut Rng, subject: &str) -> String {
    let mut out = format!("{} {} for {subject}.", rng.pick(OPENERS), rng.pick(OBJECTS));
    for _ in 0..1 + rng.below(4) {
        out.push(' ');
        let detail = *rng.pick(DETAILS);
        out.push_str(detail);
    }
    out
}

/// Title-case a kebab name: `payments-api` -> `Payments Api`.
pub fn title_case(name: &str) -> String {
    name.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short base-36 suffix that keeps generated names unique.
pub fn suffix(n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut n = n;
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ascii")
}
