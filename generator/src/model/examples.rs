//! Examples in the located model: every example lint checks, with the schema it was checked
//! against and lint's verdict.
//!
//! The sites are the `example` of a schema, the `example` of a parameter, header or media
//! type (Swagger 2.0's `x-example` and response `examples` arrive there through upgrade),
//! and the `value` of each entry of their `examples`. Lint's example check
//! ([`crate::lint`]'s `examples`) makes a node of each as it validates it, so no other pass
//! walks the document for them; lowering asks the node whether the example may serve as
//! test data (one that does not match its schema never does) instead of comparing pointers
//! it built itself.

use std::collections::BTreeMap;

use crate::diagnostics::Location;

/// Where an example is written, relative to its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// The `example` of a parameter, header or media type.
    Example,
    /// The `value` of the entry of that name of a parameter's, header's or media type's
    /// `examples`.
    Entry(String),
    /// The `example` of a schema (its owner is the schema).
    Schema,
}

/// One example lint checked.
#[derive(Debug, Clone)]
pub struct Example {
    /// The pointer of the object holding it: a parameter, header, media type or schema.
    pub owner: String,
    pub site: Site,
    /// The pointer of the example value.
    pub pointer: String,
    /// The location of the example value.
    pub location: Option<Location>,
    /// The pointer of the schema it was checked against.
    pub schema: String,
    /// Whether lint found nothing wrong with it. An example it could not check (its schema
    /// does not compile, or reaches a schema defined in terms of itself) counts as valid:
    /// only an example shown not to match is kept from serving as test data.
    pub valid: bool,
}

/// The examples of a document, in the order lint checked them.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    nodes: Vec<Example>,
    /// The index in `nodes` of the `example` of each owner, by the owner's pointer.
    own: BTreeMap<String, usize>,
    /// The index in `nodes` of the `example` of the schema written in place as the `schema` of
    /// a parameter, header or media type, by the pointer of that parameter, header or media type.
    in_schema: BTreeMap<String, usize>,
}

impl Examples {
    /// Adds the examples of `other`, in order, as [`Examples::push`] does.
    pub fn append(&mut self, other: Examples) {
        for example in other.nodes {
            self.push(example);
        }
    }

    /// Adds `example`. The `example` of an owner checked before stays, valid only if both
    /// checks found it valid.
    pub fn push(&mut self, example: Example) {
        if let Some(&known) = self.own.get(&example.owner).filter(|&&i| self.nodes[i].pointer == example.pointer) {
            self.nodes[known].valid &= example.valid;
            return;
        }
        let index = self.nodes.len();
        match &example.site {
            Site::Example => {
                self.own.insert(example.owner.clone(), index);
            }
            Site::Schema => {
                self.own.insert(example.owner.clone(), index);
                if let Some(parent) = example.owner.strip_suffix("/schema") {
                    self.in_schema.insert(parent.to_owned(), index);
                }
            }
            Site::Entry(_) => {}
        }
        self.nodes.push(example);
    }

    /// Every example, in the order lint checked them.
    pub fn iter(&self) -> impl Iterator<Item = &Example> {
        self.nodes.iter()
    }

    /// The `example` of the parameter, header, media type or schema at `owner`.
    pub fn of(&self, owner: &str) -> Option<&Example> {
        self.own.get(owner).map(|&i| &self.nodes[i])
    }

    /// The `example` of the schema written in place as the `schema` of the parameter, header
    /// or media type at `owner` (where Swagger 2.0 puts a body parameter's example).
    pub fn in_schema_of(&self, owner: &str) -> Option<&Example> {
        self.in_schema.get(owner).map(|&i| &self.nodes[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model of a spec that passes lint (warnings allowed).
    fn model(name: &str, yaml: &str) -> crate::model::Model {
        crate::model::of_spec(&format!("examples-{name}"), yaml)
    }

    #[test]
    fn every_example_is_a_located_node_with_its_schema_and_verdict() {
        let model = model(
            "nodes",
            "openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      parameters:
        - name: n
          in: query
          schema: {type: integer}
          example: three
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties: {n: {type: integer}}
                example: {n: 1}
              examples:
                one: {value: {n: 2}}
                bad: {value: {n: two}}
",
        );
        let examples = &model.examples;
        let media = "/paths/~1a/get/responses/200/content/application~1json";
        let parameter = examples.of("/paths/~1a/get/parameters/0").expect("the parameter's example");
        assert_eq!(parameter.site, Site::Example);
        assert_eq!(parameter.pointer, "/paths/~1a/get/parameters/0/example");
        assert_eq!(parameter.schema, "/paths/~1a/get/parameters/0/schema");
        assert_eq!(parameter.location.as_ref().map(|l| (l.line, l.column)), Some((10, 20)));
        assert!(!parameter.valid);
        // The media type has no `example` of its own; its schema, written in place, has one.
        assert!(examples.of(media).is_none());
        let in_schema = examples.in_schema_of(media).expect("the schema's example");
        assert_eq!(in_schema.site, Site::Schema);
        assert_eq!(in_schema.owner, format!("{media}/schema"));
        assert_eq!(in_schema.schema, format!("{media}/schema"));
        assert_eq!(in_schema.location.as_ref().map(|l| l.line), Some(19));
        assert!(in_schema.valid);
        let entries: Vec<(&Site, &str, bool)> = examples
            .iter()
            .filter(|e| matches!(e.site, Site::Entry(_)))
            .map(|e| (&e.site, e.pointer.as_str(), e.valid))
            .collect();
        assert_eq!(
            entries,
            [
                (&Site::Entry("one".into()), format!("{media}/examples/one/value").as_str(), true),
                (&Site::Entry("bad".into()), format!("{media}/examples/bad/value").as_str(), false),
            ]
        );
    }

    #[test]
    fn swagger_response_examples_are_nodes_where_upgrade_put_them_located_where_written() {
        let model = model(
            "swagger",
            "swagger: '2.0'
info: {title: t, version: '1'}
produces: [application/json]
paths:
  /a:
    get:
      responses:
        200:
          description: ok
          schema: {type: integer}
          examples:
            application/json: seven
",
        );
        let media = "/paths/~1a/get/responses/200/content/application~1json";
        let example = model.examples.of(media).expect("the response's example");
        assert_eq!(example.pointer, format!("{media}/example"));
        assert_eq!(example.schema, format!("{media}/schema"));
        assert_eq!(example.location.as_ref().map(|l| (l.line, l.column)), Some((12, 31)));
        assert!(!example.valid);
    }

    #[test]
    fn an_example_checked_twice_is_one_node_valid_only_if_both_found_it_valid() {
        let node = |valid| Example {
            owner: "/o".into(),
            site: Site::Example,
            pointer: "/o/example".into(),
            location: None,
            schema: "/o/schema".into(),
            valid,
        };
        let mut examples = Examples::default();
        examples.push(node(true));
        examples.push(node(false));
        assert_eq!(examples.iter().count(), 1);
        assert_eq!(examples.of("/o").map(|e| e.valid), Some(false));
    }
}
