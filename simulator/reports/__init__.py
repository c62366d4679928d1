"""Debriefs and cohort reports rendered from records with the reports' own Jinja2 environments.

Entry points: `render.render_session_html`, `render.render_session_md`, `render.render_cohort_html`,
`render.render_cohort_csv`.
"""
