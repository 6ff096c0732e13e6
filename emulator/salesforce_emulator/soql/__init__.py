"""SOQL: text -> tokens (lexer) -> syntax tree (parser) -> DuckDB SQL (compiler, dates), and the
engine that runs a compiled query and renders its rows as Salesforce records."""
