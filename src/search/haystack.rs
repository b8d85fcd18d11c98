//! Names and titles packed end to end for the fuzzy scan. Read in place,
//! each entity's name and title sit behind two pointers to scattered heap
//! strings: at 100k entities a one-letter query spent most of its ≈ 10 ms
//! waiting on those cache misses. Packed in catalog order, a scan reads
//! memory front to back, which the prefetcher keeps ahead of.

use crate::catalog::Summary;

#[derive(Debug, Default)]
pub struct Haystacks {
    text: String,
    /// Entity i: name `text[bounds[2i]..bounds[2i + 1]]`, title
    /// `text[bounds[2i + 1]..bounds[2i + 2]]` (empty when it has none).
    bounds: Vec<u32>,
}

impl Haystacks {
    pub fn build(entities: &[Summary]) -> Haystacks {
        let size: usize = entities.iter().map(|s| s.name.len() + s.title.len()).sum();
        let mut hay =
            Haystacks { text: String::with_capacity(size), bounds: Vec::with_capacity(2 * entities.len() + 1) };
        hay.bounds.push(0);
        for s in entities {
            hay.text.push_str(&s.name);
            hay.bounds.push(hay.text.len() as u32);
            hay.text.push_str(&s.title);
            hay.bounds.push(hay.text.len() as u32);
        }
        hay
    }

    fn slice(&self, at: usize) -> &str {
        &self.text[self.bounds[at] as usize..self.bounds[at + 1] as usize]
    }

    pub fn name(&self, idx: u32) -> &str {
        self.slice(2 * idx as usize)
    }

    pub fn title(&self, idx: u32) -> &str {
        self.slice(2 * idx as usize + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_entity_gets_its_own_name_and_title_back() {
        let s = |name: &str, title: &str| Summary { name: name.into(), title: title.into(), ..Default::default() };
        let entities = vec![s("payments-api", "Payments API"), s("ledger", ""), s("ünïcode-näme", "Tïtle")];
        let hay = Haystacks::build(&entities);
        assert_eq!(hay.bounds.len(), 2 * entities.len() + 1);
        for (i, e) in entities.iter().enumerate() {
            assert_eq!((hay.name(i as u32), hay.title(i as u32)), (e.name.as_str(), e.title.as_str()));
        }
    }
}
