//! fuzzy-matcher (the crate first chosen) against nucleo-matcher (the one
//! search uses now): the same names, the same words, one thread, no
//! narrowing, so the figure is the matcher alone.

use super::fixtures::Fixture;
use super::stats::{ms, Summary};
use callboard::catalog::{cache::Cache, Catalog};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::time::Instant;

pub struct Engines {
    pub fuzzy_matcher: Summary,
    pub nucleo: Summary,
    /// How many names each matched, summed, to show they agree on what matches.
    pub matched: (usize, usize),
}

/// Score every name against every prefix of `query`, three times over.
pub fn compare(fixture: &Fixture, query: &str) -> Engines {
    let cache = Cache::open(&fixture.source().cache_path()).unwrap();
    let catalog = Catalog::in_list_order(cache.load_summaries().unwrap());
    let names: Vec<&str> = catalog.all().iter().map(|s| s.name.as_str()).collect();
    let prefixes: Vec<&str> = (1..=query.len()).map(|n| &query[..n]).collect();
    let skim = SkimMatcherV2::default().ignore_case();
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut matched = (0, 0);
    for round in 0..3 {
        for word in &prefixes {
            let started = Instant::now();
            let n = names.iter().filter(|name| skim.fuzzy_match(name, word).is_some()).count();
            a.push(ms(started.elapsed()));
            let atom = Atom::new(word, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy, false);
            let started = Instant::now();
            let m =
                names.iter().filter(|name| atom.score(Utf32Str::new(name, &mut buf), &mut matcher).is_some()).count();
            b.push(ms(started.elapsed()));
            if round == 0 {
                matched.0 += n;
                matched.1 += m;
            }
        }
    }
    Engines { fuzzy_matcher: Summary::of(&a), nucleo: Summary::of(&b), matched }
}
