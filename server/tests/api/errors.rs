//! The API's error shapes for bad input, unknown routes and methods, the health checks
//! and the OpenAPI document.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::*;

fn is_json(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = bare_client().post(app.url(path)).body(body);
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    request.send().await.expect("POST")
}

#[tokio::test]
async fn malformed_json_is_400_bad_request() {
    let app = TestApp::spawn().await;
    for body in [
        &b"{not json"[..],
        b"{\"email\": \"coordinator@aomori.example\", \"password\": ",
        b"",
        b"{\"email\": \"a@aomori.example\",}",
    ] {
        let r = post_raw(
            &app,
            "/api/v1/session",
            Some("application/json"),
            body.to_vec(),
        )
        .await;
        assert!(is_json(&r));
        assert_eq!(
            error_code(r).await,
            (StatusCode::BAD_REQUEST, "bad_request".into()),
            "body {:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[tokio::test]
async fn well_formed_json_of_the_wrong_shape_is_422() {
    let app = TestApp::spawn().await;
    for body in [
        json!({"email": 1, "password": "x"}),
        json!({"email": "coordinator@aomori.example"}),
        json!({"email": "coordinator@aomori.example", "password": null}),
        json!({"email": ["coordinator@aomori.example"], "password": "kakehashi-demo"}),
        json!("coordinator@aomori.example"),
    ] {
        let r = post_raw(
            &app,
            "/api/v1/session",
            Some("application/json"),
            serde_json::to_vec(&body).unwrap(),
        )
        .await;
        let (status, code) = error_code(r).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "body {body}");
        assert_eq!(code, "invalid_field", "body {body}");
    }
}

#[tokio::test]
async fn a_body_without_the_json_content_type_is_415() {
    let app = TestApp::spawn().await;
    let body = serde_json::to_vec(&json!({"email": "a@aomori.example", "password": "x"})).unwrap();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let r = post_raw(&app, "/api/v1/session", content_type, body.clone()).await;
        assert_eq!(
            error_code(r).await,
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type".into()
            ),
            "Content-Type {content_type:?}"
        );
    }
}

#[tokio::test]
async fn invalid_utf8_is_a_json_client_error() {
    let app = TestApp::spawn().await;
    let mut body = b"{\"email\": \"".to_vec();
    body.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    body.extend_from_slice(b"\", \"password\": \"x\"}");
    let r = post_raw(&app, "/api/v1/session", Some("application/json"), body).await;
    let (status, code) = error_code(r).await;
    assert!(status.is_client_error(), "4xx, got {status}");
    assert_eq!(code, "bad_request");
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413() {
    let app = TestApp::spawn().await;
    let big = "x".repeat(1024 * 1024 + 16);
    let body = serde_json::to_vec(&json!({"email": big, "password": "x"})).unwrap();
    // The server may answer before it has read the whole body and close the connection;
    // a transport error is retried, an answer must be the 413.
    let mut answered = None;
    for _ in 0..5 {
        match bare_client()
            .post(app.url("/api/v1/session"))
            .header(CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await
        {
            Ok(r) => {
                answered = Some(r);
                break;
            }
            Err(e) => eprintln!("transport error, retrying: {e}"),
        }
    }
    let r = answered.expect("an answer to the large body");
    assert_eq!(
        error_code(r).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large".into())
    );
    // A body just under the limit is read (and refused for what it says, not its size).
    let fits =
        serde_json::to_vec(&json!({"email": "y".repeat(1000 * 1000), "password": "x"})).unwrap();
    let r = post_raw(&app, "/api/v1/session", Some("application/json"), fits).await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
    );
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404() {
    let app = TestApp::spawn().await;
    let id = Uuid::new_v4();
    for (method, path) in [
        (Method::GET, "/api/v1/nothing-here".to_string()),
        (Method::GET, format!("/api/v1/platforms/{id}/nothing")),
        (Method::POST, "/api/v1/nothing-here".to_string()),
        (Method::GET, "/api/v2/platforms".to_string()),
    ] {
        let r = bare_client()
            .request(method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        if path.starts_with("/api/v2") {
            // Not the API: the pages answer (not found), but never with a 500.
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{method} {path}");
            continue;
        }
        assert!(is_json(&r), "{method} {path} answers JSON");
        assert_eq!(
            error_code(r).await,
            (StatusCode::NOT_FOUND, "not_found".into()),
            "{method} {path}"
        );
    }
    // Signed in makes no difference.
    let user = app.sign_in("coordinator@aomori.example").await;
    let r = user.get("/api/v1/nothing-here").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
}

#[tokio::test]
async fn a_wrong_method_is_a_json_405() {
    let app = TestApp::spawn().await;
    let id = Uuid::new_v4();
    for (method, path) in [
        (Method::PUT, "/api/v1/me".to_string()),
        (Method::DELETE, "/api/v1/platforms".to_string()),
        (Method::GET, "/api/v1/session".to_string()),
        (Method::PATCH, format!("/api/v1/platforms/{id}")),
        (
            Method::GET,
            "/api/v1/invitations/some-token/accept".to_string(),
        ),
    ] {
        let r = bare_client()
            .request(method.clone(), app.url(&path))
            .header(CONTENT_TYPE, "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert!(is_json(&r), "{method} {path} answers JSON");
        assert_eq!(
            error_code(r).await,
            (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed".into()),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn malformed_path_parameters_are_json_client_errors() {
    let app = TestApp::spawn().await;
    let user = app.sign_in("coordinator@aomori.example").await;
    let mut not_json = Vec::new();
    for path in [
        "/api/v1/platforms/not-a-uuid",
        "/api/v1/platforms/not-a-uuid/members",
        "/api/v1/platforms/12345/invitations",
        "/api/v1/platforms/%FF",
        // A token that is not UTF-8 (the preview needs no sign-in, but may be signed in).
        "/api/v1/invitations/%FF",
    ] {
        let r = user.get(path).await;
        let status = r.status();
        assert!(status.is_client_error(), "GET {path}: {status}");
        let content_type = r.headers().get(CONTENT_TYPE).cloned();
        let body = r.text().await.unwrap();
        let code = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string));
        if code.is_none() {
            not_json.push(format!("GET {path}: {status} {content_type:?} {body:?}"));
        }
    }
    assert!(
        not_json.is_empty(),
        "errors must be {{\"error\":{{\"code\",\"message\"}}}}:\n{}",
        not_json.join("\n")
    );
}

#[tokio::test]
async fn health_checks_answer() {
    let app = TestApp::spawn().await;
    let r = bare_client().get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    let r = bare_client().get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ready");
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let app = TestApp::spawn().await;
    let r = bare_client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(is_json(&r));
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "OpenAPI 3.1: {}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Kakehashi API");
    let paths = doc["paths"].as_object().expect("paths");
    let expected = [
        ("/api/v1/session", &["post", "delete"][..]),
        ("/api/v1/me", &["get"]),
        ("/api/v1/me/pledge", &["post"]),
        ("/api/v1/platforms", &["get"]),
        ("/api/v1/platforms/{id}", &["get"]),
        ("/api/v1/platforms/{id}/members", &["get"]),
        ("/api/v1/organisations", &["get"]),
        ("/api/v1/platforms/{id}/users", &["get"]),
        (
            "/api/v1/platforms/{id}/users/{user_id}/roles/{role}",
            &["delete"],
        ),
        ("/api/v1/users/{id}/disable", &["post"]),
        ("/api/v1/users/{id}/enable", &["post"]),
        ("/api/v1/platforms/{id}/invitations", &["get", "post"]),
        ("/api/v1/invitations/{token}", &["get"]),
        ("/api/v1/invitations/{token}/accept", &["post"]),
        ("/api/v1/sync", &["get"]),
        ("/api/v1/events", &["get"]),
        ("/api/v1/threads", &["get", "post"]),
        ("/api/v1/threads/{id}", &["get", "patch"]),
        ("/api/v1/threads/{id}/messages", &["get", "post"]),
        ("/api/v1/threads/{id}/read", &["post"]),
        ("/api/v1/threads/{id}/attachments", &["post"]),
        ("/api/v1/attachments/{id}", &["get"]),
        ("/api/v1/messages/{id}", &["patch", "delete"]),
        ("/api/v1/notifications", &["get"]),
        ("/api/v1/notifications/read", &["post"]),
        ("/api/v1/notifications/{id}/read", &["post"]),
        ("/api/v1/to-do", &["get"]),
        ("/api/v1/outreach-requests", &["get", "post"]),
        ("/api/v1/outreach-requests/{id}", &["get", "patch"]),
        ("/api/v1/outreach-requests/{id}/transitions", &["post"]),
        ("/api/v1/outreach-requests/{id}/responses", &["post"]),
        ("/api/v1/outreach-requests/export.xlsx", &["get"]),
        ("/api/v1/outreach-requests/export.csv", &["get"]),
        ("/api/v1/practices", &["get", "post"]),
        ("/api/v1/practices/{id}", &["get", "patch", "delete"]),
        ("/api/v1/practices/{id}/feature", &["post", "delete"]),
        ("/api/v1/practices/{id}/adoptions", &["post"]),
        ("/api/v1/practices/{id}/versions", &["get"]),
        ("/api/v1/practices/{id}/comments", &["get", "post"]),
        ("/api/v1/practices/{id}/comments/{comment_id}", &["delete"]),
        ("/api/v1/practices/{id}/attachments", &["post"]),
        (
            "/api/v1/practices/{id}/attachments/{attachment_id}",
            &["get", "delete"],
        ),
        ("/api/v1/kpis", &["get", "post"]),
        ("/api/v1/kpis/{id}", &["get", "put", "delete"]),
        ("/api/v1/kpis/{id}/publish", &["post"]),
        ("/api/v1/kpis/{id}/actuals", &["put"]),
        ("/api/v1/kpis/{id}/actuals/publish", &["post"]),
        ("/api/v1/plans", &["get", "post"]),
        ("/api/v1/plans/{id}", &["get", "put", "delete"]),
        ("/api/v1/plans/{id}/items", &["post"]),
        ("/api/v1/plans/{id}/items/{item_id}", &["put", "delete"]),
        ("/api/v1/plans/{id}/items/{item_id}/progress", &["put"]),
        ("/api/v1/plans/{id}/publish", &["post"]),
        ("/api/v1/plans/{id}/revisions/{revision}", &["get"]),
        ("/api/v1/plans/{id}/compare", &["get"]),
        ("/api/v1/plans/{id}/report.xlsx", &["get"]),
        ("/api/v1/proposals", &["get", "post"]),
        ("/api/v1/proposals/{id}", &["get"]),
        ("/api/v1/proposals/{id}/steps", &["post"]),
        ("/api/v1/proposals/{id}/note", &["put"]),
        ("/api/v1/meetings", &["get", "post"]),
        ("/api/v1/meetings/{id}", &["get", "put"]),
        ("/api/v1/meetings/{id}/steps", &["post"]),
        ("/api/v1/meetings/{id}/attendance", &["put"]),
        ("/api/v1/meetings/{id}/ics", &["get"]),
        ("/api/v1/inquiries", &["get", "post"]),
        ("/api/v1/inquiries/{id}", &["get", "delete"]),
        ("/api/v1/inquiries/{id}/export.xlsx", &["get"]),
        ("/api/v1/inquiries/{id}/send", &["post"]),
        ("/api/v1/inquiries/{id}/withdraw", &["post"]),
        ("/api/v1/inquiries/{id}/remind", &["post"]),
        ("/api/v1/inquiries/{id}/answers/{organisation_id}", &["put"]),
        (
            "/api/v1/inquiries/{id}/answers/{organisation_id}/return",
            &["post"],
        ),
        (
            "/api/v1/inquiries/{id}/answers/{organisation_id}/accept",
            &["post"],
        ),
        ("/api/v1/platforms/{id}/programme", &["get", "put"]),
        ("/api/v1/platforms/{id}/pledges", &["post"]),
    ];
    for (path, methods) in expected {
        let item = paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is documented"));
        for method in methods {
            assert!(item.get(*method).is_some(), "{method} {path} is documented");
        }
    }
    assert_eq!(
        paths.len(),
        expected.len(),
        "no undocumented extras: {:?}",
        paths.keys()
    );
    // Every parameter is where it is read from, and every query parameter has its bound.
    let mut faults = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("a path item") {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().expect("a parameter name");
                let at = format!("{method} {path} `{name}`");
                match parameter["in"].as_str() {
                    Some("path") => {
                        if !path.contains(&format!("{{{name}}}")) {
                            faults.push(format!("{at}: in: path, but the path has no {{{name}}}"));
                        }
                    }
                    Some("query") => {
                        let schema = &parameter["schema"];
                        let types: Vec<&str> = match &schema["type"] {
                            Value::String(t) => vec![t.as_str()],
                            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                            _ => Vec::new(),
                        };
                        let typed = schema.get("enum").is_some()
                            || schema.get("$ref").is_some()
                            || matches!(
                                schema["format"].as_str(),
                                Some("uuid" | "date" | "date-time")
                            );
                        if types.contains(&"string") && !typed && schema.get("maxLength").is_none()
                        {
                            faults
                                .push(format!("{at}: a string query parameter without maxLength"));
                        }
                        if (types.contains(&"integer") || types.contains(&"number"))
                            && (schema.get("maximum").is_none() || schema.get("minimum").is_none())
                        {
                            faults.push(format!(
                                "{at}: a number query parameter without minimum and maximum"
                            ));
                        }
                        // Descriptions give numbers, not the names of Rust constants.
                        let description = parameter["description"].as_str().unwrap_or_default();
                        if description
                            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .any(|word| {
                                word.len() > 3
                                    && word.contains('_')
                                    && word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                            })
                        {
                            faults.push(format!(
                                "{at}: the description names a constant: {description}"
                            ));
                        }
                    }
                    Some("header" | "cookie") => {}
                    other => faults.push(format!("{at}: in: {other:?}")),
                }
            }
        }
    }
    assert!(faults.is_empty(), "parameters:\n{}", faults.join("\n"));
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    for schema in [
        "ErrorBody",
        "Me",
        "Platform",
        "Member",
        "Invitation",
        "InvitationCreated",
    ] {
        assert!(schemas.contains_key(schema), "schema {schema}");
    }
}
