//! A template that fails on purpose, added to a copy of the fixture catalog
//! (kept out of the shared fixtures so other tests' entity counts hold).

#![allow(dead_code)]

use std::path::Path;

/// Fails on its third step (an input its action's schema refuses), after a
/// log line and a two-second wait that leaves time to ask for a retry too early.
pub const FAILING: &str = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: fail-on-purpose
  title: Fail on purpose
spec:
  owner: group:platform-team
  type: service
  EXPERIMENTAL_recovery:
    EXPERIMENTAL_strategy: startOver
  parameters:
    - title: Why
      properties:
        reason:
          title: Reason
          type: string
          default: testing
  steps:
    - id: say
      name: Say why
      action: debug:log
      input:
        message: About to fail because ${{ parameters.reason }}
    - id: wait
      name: Wait a little
      action: debug:wait
      input:
        seconds: 2
    - id: fail
      name: Fail
      action: debug:log
      input:
        listWorkspace: 42
"#;

/// Add the failing template to a copy of the fixture catalog.
pub fn add_failing_template(catalog: &Path) {
    std::fs::write(catalog.join("templates/fail-on-purpose.yaml"), FAILING).unwrap();
    let info = catalog.join("catalog-info.yaml");
    let text = std::fs::read_to_string(&info).unwrap();
    std::fs::write(&info, format!("{}    - ./templates/fail-on-purpose.yaml\n", text)).unwrap();
}
