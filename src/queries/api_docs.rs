//! The docs page's reading of the OpenAPI document: endpoints in the document's order, their
//! parameters and answers, and every schema's fields, with types said in words.

use crate::view_model::{ApiDocsView, ApiEndpoint, ApiField, ApiResponse, ApiSchema};
use serde_json::Value;

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn ref_name(v: &Value) -> Option<&str> {
    v["$ref"].as_str()?.rsplit('/').next()
}

/// A schema's type in words: `string (date-time)`, `array of Reliability`, `Band or null`.
pub fn kind(schema: &Value) -> String {
    if let Some(name) = ref_name(schema) {
        return name.to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = schema[key].as_array() {
            let words: Vec<String> = parts.iter().map(kind).collect();
            return words.join(if key == "allOf" { " and " } else { " or " });
        }
    }
    let types: Vec<String> = match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts.iter().map(text).collect(),
        _ => vec![],
    };
    let words: Vec<String> = types
        .iter()
        .map(|t| match t.as_str() {
            "array" => format!("array of {}", kind(&schema["items"])),
            "string" if schema["format"].is_string() => {
                format!("string ({})", text(&schema["format"]))
            }
            "integer" | "number" if schema["format"].is_string() => {
                format!("{t} ({})", text(&schema["format"]))
            }
            other => other.to_string(),
        })
        .collect();
    if words.is_empty() {
        "any JSON".into()
    } else {
        words.join(" or ")
    }
}

fn fields(schema: &Value) -> Vec<ApiField> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<ApiField> = schema["properties"]
        .as_object()
        .map(|props| {
            props
                .iter()
                .map(|(name, p)| ApiField {
                    name: name.clone(),
                    location: String::new(),
                    kind: kind(p),
                    required: required.contains(&name.as_str()),
                    description: text(&p["description"]),
                })
                .collect()
        })
        .unwrap_or_default();
    // Flattened parts: their fields, and the parts by name.
    for part in schema["allOf"].as_array().into_iter().flatten() {
        if let Some(name) = ref_name(part) {
            out.push(ApiField {
                name: format!("(every field of {name})"),
                location: String::new(),
                kind: name.to_string(),
                required: true,
                description: String::new(),
            });
        } else {
            out.extend(fields(part));
        }
    }
    out
}

pub fn docs(doc: &Value) -> ApiDocsView {
    let mut endpoints = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let params = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| ApiField {
                    name: text(&p["name"]),
                    location: text(&p["in"]),
                    kind: kind(&p["schema"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    description: text(&p["description"]),
                })
                .collect();
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|c| c.keys().next().cloned())
                .map(|content_type| (content_type, text(&op["requestBody"]["description"])));
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, r)| ApiResponse {
                    status: status.clone(),
                    description: text(&r["description"]),
                    schema: r["content"]
                        .as_object()
                        .and_then(|c| c.values().next())
                        .map(|c| kind(&c["schema"]))
                        .unwrap_or_default(),
                })
                .collect();
            endpoints.push(ApiEndpoint {
                method: method.to_uppercase(),
                path: path.clone(),
                tag: op["tags"][0].as_str().unwrap_or_default().to_string(),
                summary: text(&op["summary"]),
                description: text(&op["description"]),
                secured: op["security"].is_array(),
                params,
                body,
                responses,
            });
        }
    }
    // By tag in the document's order of tags, then by path.
    let tags: Vec<String> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| text(&t["name"]))
        .collect();
    endpoints.sort_by_key(|e| {
        (
            tags.iter().position(|t| *t == e.tag).unwrap_or(usize::MAX),
            e.path.clone(),
            e.method != "GET",
        )
    });
    let schemas = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, s)| ApiSchema {
            name: name.clone(),
            description: text(&s["description"]),
            fields: fields(s),
        })
        .collect();
    ApiDocsView {
        title: text(&doc["info"]["title"]),
        version: text(&doc["info"]["version"]),
        description: text(&doc["info"]["description"]),
        endpoints,
        schemas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_are_said_in_words() {
        assert_eq!(kind(&json!({"$ref": "#/components/schemas/Band"})), "Band");
        assert_eq!(
            kind(&json!({"type": ["string", "null"], "format": "date-time"})),
            "string (date-time) or null"
        );
        assert_eq!(
            kind(&json!({"type": "array", "items": {"$ref": "#/components/schemas/Terminal"}})),
            "array of Terminal"
        );
        assert_eq!(
            kind(&json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Band"}]})),
            "null or Band"
        );
        assert_eq!(kind(&json!({})), "any JSON");
    }

    #[test]
    fn the_document_becomes_endpoints_and_schemas() {
        let doc = serde_json::to_value(crate::api::openapi()).unwrap();
        let view = docs(&doc);
        let calls = view
            .endpoints
            .iter()
            .find(|e| e.path == "/api/v1/ports/{locode}/port-calls")
            .unwrap();
        assert_eq!(calls.method, "GET");
        assert!(!calls.secured);
        let status = calls.params.iter().find(|p| p.name == "status").unwrap();
        assert_eq!(
            (status.location.as_str(), status.required),
            ("query", false)
        );
        assert_eq!(calls.responses[0].schema, "PortCallPage");
        let post = view
            .endpoints
            .iter()
            .find(|e| e.path == "/dcsa/jit/v1/timestamps")
            .unwrap();
        assert!(post.secured);
        assert_eq!(post.body.as_ref().unwrap().0, "application/json");
        // Ports come first, as the document's tags say.
        assert_eq!(view.endpoints[0].path, "/api/v1/ports");
        let page = view
            .schemas
            .iter()
            .find(|s| s.name == "PortCallPage")
            .unwrap();
        let cursor = page
            .fields
            .iter()
            .find(|f| f.name == "next_cursor")
            .unwrap();
        assert_eq!(cursor.kind, "string or null");
        let listed = view
            .schemas
            .iter()
            .find(|s| s.name == "ListedCall")
            .unwrap();
        assert!(listed.fields.iter().any(|f| f.kind == "PortCall"));
    }
}
