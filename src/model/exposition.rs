// TEMP STUB
use std::borrow::Cow;
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Format {
    Text,
    OpenMetrics,
}
impl Format {
    pub fn from_content_type(_ct: &str) -> Format {
        Format::Text
    }
}
pub struct Sample<'a> {
    pub name: &'a str,
    pub labels: Vec<(&'a str, Cow<'a, str>)>,
    pub value: f64,
    pub timestamp_ms: Option<i64>,
}
pub struct Exposition<'a> {
    pub samples: Vec<Sample<'a>>,
}
#[derive(Debug)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}
impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}
pub fn parse(_input: &str, _format: Format) -> Result<Exposition<'_>, ParseError> {
    Ok(Exposition { samples: vec![] })
}
