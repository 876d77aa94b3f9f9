use super::*;
use crate::action::{KeyCode, testing};
use crate::model::mcp::form::FormEvent;
use crate::model::mcp::{ToolHints, ToolInfo};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};

const HEADER: FormHeader = FormHeader {
    server: "github",
    tool: "search_issues",
    badges: "read-only · idempotent",
    read_only_mode: false,
    asked: None,
};

fn tool(schema: Value) -> ToolInfo {
    ToolInfo {
        name: "search_issues".into(),
        title: None,
        description: None,
        input_schema: schema,
        output_schema: None,
        hints: ToolHints::default(),
        task: Default::default(),
    }
}

fn key(f: &mut Form, code: KeyCode) -> FormEvent {
    f.on_key(testing::key(code))
}

fn ctrl(f: &mut Form, c: char) -> FormEvent {
    f.on_key(testing::ctrl(c))
}

fn type_text(f: &mut Form, text: &str) {
    for c in text.chars() {
        key(f, KeyCode::Char(c));
    }
}

/// A form with string, integer, boolean, enum and array fields; `repo` required and
/// left empty, the other required field filled.
fn sample() -> Form {
    let mut f = Form::from_schema(&tool(json!({
        "type": "object",
        "properties": {
            "repo": {"type": "string", "description": "owner/name of the repository"},
            "query": {"type": "string", "minLength": 1, "description": "GitHub search syntax, e.g. is:open label:bug"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 30},
            "include_drafts": {"type": "boolean"},
            "state": {"enum": ["open", "closed", "all"], "default": "open"},
            "labels": {"type": "array", "items": {"type": "string"}, "description": "Only issues with all of these"},
        },
        "required": ["repo", "query"],
    })));
    let preset = json!({"query": "is:open crash", "labels": ["bug", "p1, urgent"]});
    f.with_values(preset.as_object().unwrap());
    f
}

fn screen(form: &Form, header: &FormHeader, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|fr| {
            render(
                form,
                None,
                header,
                &Theme::default(),
                fr.area(),
                fr.buffer_mut(),
            )
        })
        .unwrap();
    terminal.backend().to_string()
}

#[test]
fn fields_with_a_required_error_80x24() {
    let mut f = sample();
    // Focus the boolean, toggle it, then try to call: `repo` is missing.
    key(&mut f, KeyCode::Tab);
    key(&mut f, KeyCode::Tab);
    key(&mut f, KeyCode::Char(' '));
    assert_eq!(ctrl(&mut f, 's'), FormEvent::Changed);
    let s = screen(&f, &HEADER, 80, 24);
    assert!(s.contains("✗ required"), "{s}");
    assert!(
        s.contains("▸ repo*"),
        "focus moved to the invalid field:\n{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn raw_json_mode_80x24() {
    let mut f = sample();
    ctrl(&mut f, 'r');
    let s = screen(&f, &HEADER, 80, 24);
    assert!(s.contains("\"query\": \"is:open crash\""), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn raw_json_error_is_shown() {
    let mut f = sample();
    ctrl(&mut f, 'r');
    // Typed in the app's editor, which the form is drawn with.
    let mut editor = raw_textarea(f.raw_text());
    editor.insert_str("oops");
    f.edit_raw(editor.lines().join("\n"));
    ctrl(&mut f, 's');
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let given = Some((f.raw_epoch(), &editor));
    terminal
        .draw(|fr| {
            render(
                &f,
                given,
                &HEADER,
                &Theme::default(),
                fr.area(),
                fr.buffer_mut(),
            )
        })
        .unwrap();
    let s = terminal.backend().to_string();
    assert!(s.contains("✗ line 1, column 1: expected value"), "{s}");
    assert!(s.contains("oops{"), "{s}");
    let buf = terminal.backend().buffer();
    let cursor = buf
        .content()
        .iter()
        .position(|c| c.modifier.contains(Modifier::REVERSED))
        .map(|i| buf.pos_of(i));
    let line = |y: u16| -> String {
        (0..80)
            .map(|x| buf.cell((x, y)).map_or(" ", |c| c.symbol()))
            .collect()
    };
    let (x, y) = cursor.expect("a cursor cell");
    assert_eq!(
        buf.cell((x, y)).map(|c| c.symbol()),
        Some("{"),
        "the editor's cursor, after the typed text: {}",
        line(y)
    );
}

/// Renders into a bare buffer (`TestBackend` cannot print a zero-width screen).
fn draw(form: &Form, w: u16, h: u16) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
    render(form, None, &HEADER, &Theme::default(), buf.area, &mut buf);
    buf
}

#[test]
fn tiny_areas_do_not_panic() {
    let f = sample();
    for (w, h) in [(0, 0), (20, 5), (1, 1), (3, 3), (80, 2), (5, 40)] {
        draw(&f, w, h);
    }
    let mut raw = sample();
    ctrl(&mut raw, 'r');
    for w in 0..30 {
        for h in 0..10 {
            draw(&f, w, h);
            draw(&raw, w, h);
        }
    }
    // An area outside the buffer is clipped, not indexed.
    let mut buf = Buffer::empty(Rect::new(0, 0, 10, 10));
    render(
        &f,
        None,
        &HEADER,
        &Theme::default(),
        Rect::new(5, 5, 80, 24),
        &mut buf,
    );
    let s = screen(&f, &HEADER, 20, 5);
    assert!(s.contains("Call"), "{s}");
}

#[test]
fn long_forms_scroll_to_the_focused_field() {
    let props: serde_json::Map<String, Value> = (0..30)
        .map(|i| (format!("field_{i:02}"), json!({"type": "string"})))
        .collect();
    let mut f = Form::from_schema(&tool(json!({"properties": props})));
    let top = screen(&f, &HEADER, 80, 24);
    assert!(top.contains("field_00"), "{top}");
    assert!(top.contains("↓ fields 1–"), "{top}");
    for _ in 0..29 {
        key(&mut f, KeyCode::Down);
    }
    let s = screen(&f, &HEADER, 80, 24);
    assert!(s.contains("▸ field_29"), "{s}");
    assert!(!s.contains("field_00"), "{s}");
    assert!(s.contains("of 30"), "{s}");
}

#[test]
fn secrets_are_masked_and_cursor_is_a_reversed_cell() {
    let mut f = Form::from_schema(&tool(json!({"properties": {
        "api_key": {"type": "string"},
    }})));
    type_text(&mut f, "hunter2");
    let mut terminal = Terminal::new(TestBackend::new(60, 12)).unwrap();
    terminal
        .draw(|fr| {
            render(
                &f,
                None,
                &HEADER,
                &Theme::default(),
                fr.area(),
                fr.buffer_mut(),
            )
        })
        .unwrap();
    let s = terminal.backend().to_string();
    assert!(!s.contains("hunter2"), "{s}");
    assert!(s.contains("•••••••"), "{s}");
    let buf = terminal.backend().buffer();
    let reversed: Vec<(u16, u16)> = buf
        .content()
        .iter()
        .enumerate()
        .filter(|(_, c)| c.modifier.contains(Modifier::REVERSED))
        .map(|(i, _)| buf.pos_of(i))
        .collect();
    assert_eq!(reversed.len(), 1, "one cursor cell: {reversed:?}");
    let (x, y) = reversed[0];
    let line: String = (0..60)
        .map(|cx| buf.cell((cx, y)).map_or(" ", |c| c.symbol()))
        .collect();
    let dots_end = line.find("•••••••").unwrap() + "•••••••".len();
    let col = line[..dots_end].chars().count() as u16;
    assert_eq!(x, col, "cursor right after the text:\n{s}");
}

#[test]
fn header_badges_and_read_only_mode() {
    let f = sample();
    let header = FormHeader {
        read_only_mode: true,
        asked: None,
        ..HEADER
    };
    let s = screen(&f, &header, 80, 24);
    assert!(s.contains("Call search_issues on github"), "{s}");
    assert!(
        s.contains("▲ read-only mode  read-only · idempotent"),
        "{s}"
    );
}

#[test]
fn footer_keeps_esc_and_call_when_narrow() {
    let f = sample();
    let s = screen(&f, &HEADER, 44, 24);
    assert!(s.contains("Esc cancel"), "{s}");
    assert!(s.contains("Ctrl-S call"), "{s}");
}

#[test]
fn empty_form_says_so() {
    let f = Form::from_schema(&tool(json!({"type": "object"})));
    let s = screen(&f, &HEADER, 80, 24);
    assert!(s.contains("This tool takes no arguments."), "{s}");
    assert!(s.contains("▸ [ Call ]"), "{s}");
}
