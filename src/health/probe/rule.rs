//! A state from output: the value at a JSON pointer compared with lists, or
//! regexes on the text (crit, then warn, then ok; the first match decides).

use crate::health::config::ValueRule;
use crate::health::state::State;

/// Judge `text` by the rule; also returns the value it looked at, for display.
pub fn judge(rule: &ValueRule, text: &str) -> (State, Option<String>) {
    let subject = match &rule.pointer {
        Some(pointer) => {
            let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
                return (State::unknown("output is not JSON"), None);
            };
            match doc.pointer(pointer) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
                None => return (State::unknown(format!("no {pointer} in the output")), None),
            }
        }
        None => text.to_string(),
    };
    for (re, state) in [(&rule.crit_regex, State::Crit), (&rule.warn_regex, State::Warn), (&rule.ok_regex, State::Ok)] {
        if let Some(re) = re {
            // Checked at config load; a bad one here is unknown, not a panic.
            match regex::Regex::new(re) {
                Ok(re) if re.is_match(&subject) => return (state, Some(subject)),
                Ok(_) => {}
                Err(e) => return (State::unknown(format!("bad regex: {e}")), None),
            }
        }
    }
    if rule.ok.iter().any(|v| v == &subject) {
        return (State::Ok, Some(subject));
    }
    if rule.warn.iter().any(|v| v == &subject) {
        return (State::Warn, Some(subject));
    }
    let has_regex = rule.crit_regex.is_some() || rule.warn_regex.is_some() || rule.ok_regex.is_some();
    if rule.ok.is_empty() && rule.warn.is_empty() && !has_regex {
        // A pointer alone: present is ok.
        return (State::Ok, Some(subject));
    }
    (State::Crit, Some(subject))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str) -> ValueRule {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn pointer_lists_and_regexes() {
        let r = rule("pointer = '/status'\nok = ['UP']\nwarn = ['DEGRADED']");
        assert_eq!(judge(&r, r#"{"status":"UP"}"#).0, State::Ok);
        assert_eq!(judge(&r, r#"{"status":"DEGRADED"}"#).0, State::Warn);
        assert_eq!(judge(&r, r#"{"status":"DOWN"}"#), (State::Crit, Some("DOWN".into())));
        assert!(matches!(judge(&r, "not json").0, State::Unknown(_)));
        assert!(matches!(judge(&r, "{}").0, State::Unknown(_)));
        let r = rule("crit_regex = 'ERROR'\nwarn_regex = 'slow'\nok_regex = 'fine'");
        assert_eq!(judge(&r, "all fine").0, State::Ok);
        assert_eq!(judge(&r, "fine but slow").0, State::Warn);
        assert_eq!(judge(&r, "ERROR slow").0, State::Crit);
        assert_eq!(judge(&r, "???").0, State::Crit);
        let r = rule("crit_regex = '(?i)error'\nok_regex = '^\\d+ ok$'");
        assert_eq!(judge(&r, "Fatal ERROR").0, State::Crit);
        assert_eq!(judge(&r, "12 ok").0, State::Ok);
    }
}
