//! Validation by a JSON Schema validator (draft 7, as Backstage's templates
//! declare; no remote `$ref`), its instance paths mapped onto fields.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;
use std::collections::HashMap;

/// Schema nodes a validation may visit, local `$ref`s expanded: `allOf` over
/// refs can double at each level, and a validator walks every copy.
pub(crate) const MAX_EXPANDED: u64 = 200_000;

/// The size of `node` with local refs expanded (memoised per ref; a ref back
/// into itself counts once, recursion is bounded by the instance).
pub fn expanded_size(
    root: &Value,
    node: &Value,
    memo: &mut HashMap<String, u64>,
    stack: &mut Vec<String>,
    depth: usize,
) -> u64 {
    if depth > 256 {
        return MAX_EXPANDED + 1;
    }
    match node {
        Value::Object(map) => {
            let mut size = 1u64;
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                if let Some(&known) = memo.get(reference) {
                    size = size.saturating_add(known);
                } else if !stack.iter().any(|r| r == reference) {
                    let target = reference.strip_prefix('#').and_then(|p| root.pointer(p));
                    if let Some(target) = target {
                        stack.push(reference.to_string());
                        let inner = expanded_size(root, target, memo, stack, depth + 1);
                        stack.pop();
                        memo.insert(reference.to_string(), inner);
                        size = size.saturating_add(inner);
                    }
                }
            }
            for (key, value) in map {
                // Definitions are only reached through refs.
                if key != "definitions" && key != "$defs" && key != "enum" && key != "const" && key != "default" {
                    size = size.saturating_add(expanded_size(root, value, memo, stack, depth + 1));
                }
                if size > MAX_EXPANDED {
                    return size;
                }
            }
            size
        }
        Value::Array(items) => items.iter().fold(1u64, |acc, item| {
            if acc > MAX_EXPANDED {
                acc
            } else {
                acc.saturating_add(expanded_size(root, item, memo, stack, depth + 1))
            }
        }),
        _ => 1,
    }
}

/// A compiled step schema, or why it could not be compiled.
pub struct StepValidator {
    validator: Result<Validator, String>,
}

impl std::fmt::Debug for StepValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.validator.is_ok() { "StepValidator(ok)" } else { "StepValidator(invalid)" })
    }
}

/// One problem: the JSON pointer of the value it concerns and a sentence
/// starting lowercase ("must match ^[a-z]+$") that follows the field's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

impl StepValidator {
    pub fn new(schema: &Value) -> StepValidator {
        if expanded_size(schema, schema, &mut HashMap::new(), &mut Vec::new(), 0) > MAX_EXPANDED {
            let reason = "the template's schema is too complex to check here (the server checks it on submit)";
            return StepValidator { validator: Err(reason.into()) };
        }
        let validator = jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(schema)
            .map_err(|e| format!("the template's schema is invalid: {e}"));
        StepValidator { validator }
    }

    /// Why the schema could not be used, if it could not.
    pub fn broken(&self) -> Option<&str> {
        self.validator.as_ref().err().map(String::as_str)
    }

    pub fn problems(&self, instance: &Value) -> Vec<Problem> {
        let Ok(validator) = &self.validator else {
            return Vec::new();
        };
        let mut out: Vec<Problem> = Vec::new();
        // A hostile schema can produce an error per item of a huge array; a screen needs few.
        for error in validator.iter_errors(instance).take(200) {
            let mut pointer = error.instance_path().as_str().to_string();
            if let ValidationErrorKind::Required { property } = error.kind() {
                let name = property.as_str().map(str::to_string).unwrap_or_else(|| property.to_string());
                pointer.push('/');
                pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
            }
            let message = message(error.kind()).unwrap_or_else(|| crate::sanitize::clean_line(&error.to_string()));
            if !out.iter().any(|p| p.pointer == pointer) {
                out.push(Problem { pointer, message });
            }
        }
        out
    }
}

/// Words for the errors a form sees; None where the validator's own are clear.
fn message(kind: &ValidationErrorKind) -> Option<String> {
    use ValidationErrorKind as K;
    let text = match kind {
        K::Required { .. } => "is required".to_string(),
        K::Pattern { pattern } => format!("must match {pattern}"),
        K::MinLength { limit } => format!("must be at least {limit} character{}", plural(*limit)),
        K::MaxLength { limit } => format!("must be at most {limit} character{}", plural(*limit)),
        K::Minimum { limit } => format!("must be ≥ {limit}"),
        K::Maximum { limit } => format!("must be ≤ {limit}"),
        K::ExclusiveMinimum { limit } => format!("must be > {limit}"),
        K::ExclusiveMaximum { limit } => format!("must be < {limit}"),
        K::MultipleOf { multiple_of, .. } => format!("must be a multiple of {multiple_of}"),
        K::Format { format } => format!("must be a valid {format}"),
        K::Enum { .. } => "must be one of the listed values".into(),
        K::Constant { expected_value } => format!("must be {expected_value}"),
        K::MinItems { limit } => format!("must have at least {limit} item{}", plural(*limit)),
        K::MaxItems { limit } => format!("must have at most {limit} item{}", plural(*limit)),
        K::UniqueItems => "must not repeat an item".into(),
        K::Type { kind } => match kind {
            TypeKind::Single(t) => format!("must be {}", article(&t.to_string())),
            TypeKind::Multiple(ts) => {
                format!("must be one of: {}", ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(", "))
            }
        },
        _ => return None,
    };
    Some(crate::sanitize::clean_line(&text))
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn article(kind: &str) -> String {
    match kind {
        "integer" | "array" | "object" => format!("an {kind}"),
        "null" => "empty".into(),
        _ => format!("a {kind}"),
    }
}
