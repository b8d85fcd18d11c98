//! Counts in words: "1 entity", "2 entities", never "1 entities".

/// `n` and the noun in the right number.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_and_many() {
        assert_eq!(super::count(1, "entity", "entities"), "1 entity");
        assert_eq!(super::count(0, "team", "teams"), "0 teams");
        assert_eq!(super::count(2, "problem", "problems"), "2 problems");
    }
}
