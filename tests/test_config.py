from pathlib import Path

import pytest

from bot.config import load_team_config
from bot.errors import ConfigError
from bot.settings import DEFAULT_DATABASE_URL, load_settings

SHIPPED = Path(__file__).resolve().parents[1] / "config" / "qabot.toml"


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "qabot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_team_config(path)
    return caught.value.problems


def test_shipped_config_is_valid():
    config = load_team_config(SHIPPED)
    assert config.vendors["acme"].name == "Acme BPO"
    assert "Case ID" in config.sources["acme-export"].columns


def test_every_problem_is_named_with_its_place(tmp_path):
    problems = problems_of(tmp_path, """
[defaults]
accuracy_target = 1.5
aht_target_s = "fast"

[vendors.acme]
name = "Acme BPO"
aliasez = ["acme"]
""")
    assert problems == [
        f"{tmp_path / 'qabot.toml'}: defaults.accuracy_target: Input should be less than or equal to 1 (got 1.5)",
        f"{tmp_path / 'qabot.toml'}: defaults.aht_target_s: Input should be a valid number (got 'fast')",
        f"{tmp_path / 'qabot.toml'}: vendors.acme.aliasez: unknown key (check its spelling; see config/qabot.toml for the keys)",
    ]


def test_unknown_top_level_section(tmp_path):
    assert problems_of(tmp_path, "[vendor.acme]\nname = 'x'\n") == [
        f"{tmp_path / 'qabot.toml'}: vendor: unknown key (check its spelling; see config/qabot.toml for the keys)"
    ]


def test_a_number_written_as_text_is_a_wrong_type(tmp_path):
    (problem,) = problems_of(tmp_path, "[defaults]\naccuracy_target = '0.95'\n")
    assert "defaults.accuracy_target: Input should be a valid number" in problem


def test_toml_syntax_error_says_line(tmp_path):
    (problem,) = problems_of(tmp_path, "[defaults]\naccuracy_target = \n")
    assert "not valid TOML" in problem and "line 2" in problem


def test_source_mapping_to_unknown_column(tmp_path):
    (problem,) = problems_of(tmp_path, "[sources.x]\ncolumns = { 'Case' = 'case_id' }\n")
    assert "sources.x.columns.Case: 'case_id' is not a canonical column" in problem


def test_source_mapping_two_columns_onto_one(tmp_path):
    (problem,) = problems_of(tmp_path, "[sources.x]\ncolumns = { 'A' = 'vendor', 'B' = 'vendor' }\n")
    assert "both 'A' and 'B' map to 'vendor'" in problem


def test_the_same_alias_on_two_vendors(tmp_path):
    (problem,) = problems_of(tmp_path, "[vendors.a]\naliases = ['x']\n[vendors.b]\naliases = ['X']\n")
    assert "the name 'x' belongs to both 'a' and 'b'" in problem.casefold()


def test_missing_file_is_an_error_when_asked_for(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_team_config(tmp_path / "nope.toml")
    assert load_team_config(tmp_path / "nope.toml", must_exist=False).defaults.accuracy_target == 0.95


def test_settings_defaults():
    settings = load_settings({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.config_path == Path("config/qabot.toml") and settings.config_path_is_default


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("postgresql://u@h/db", "write postgresql+psycopg://"),
        ("mysql://u@h/db", "driver 'mysql' is not supported"),
    ],
)
def test_settings_reject_bad_database_url(url, message):
    with pytest.raises(ConfigError) as caught:
        load_settings({"DATABASE_URL": url})
    assert message in caught.value.problems[0]


def test_slack_settings_are_checked_and_required_when_running():
    with pytest.raises(ConfigError) as caught:
        load_settings({"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_APP_TOKEN": "nope", "PORT": "http"})
    assert [p.split(":")[0] for p in caught.value.problems] == ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "PORT"]
    with pytest.raises(ConfigError) as caught:
        load_settings({}).require_slack()
    assert caught.value.problems[0].startswith("SLACK_BOT_TOKEN is not set: add it to .env")
    assert caught.value.problems[1].startswith("SLACK_SIGNING_SECRET is not set")
    load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).require_slack()  # Socket Mode


def test_slack_ids_in_access_and_agents_are_checked(tmp_path):
    problems = problems_of(tmp_path, "[access]\nqa_staff = ['bob']\n[agents.a1]\nslack_user = 'U1234'\n"
                                     "[agents.a2]\nslack_user = 'U1234'\n")
    assert any("access.qa_staff.0: 'bob' is not a Slack user or user group id" in p for p in problems)


def test_teams_and_alerts_are_checked_with_helpful_messages(tmp_path):
    problems = problems_of(tmp_path, """
[teams.manila]
channel = "C0MNL"
timezone = "Asia/Manilla"
post_at = "8:30"
weekdays = ["monday"]

[teams.dublin]
channel = "dublin-qa"
timezone = "Europe/Dublin"

[alerts]
renotify_max = -1

[alerts.accuracy]
window_days = 0
scopes = ["agent"]
""")
    path = tmp_path / "qabot.toml"
    assert problems == [
        f"{path}: teams.manila.timezone: 'Asia/Manilla' is not an IANA time zone; did you mean Asia/Manila or "
        "Asia/Macau or Asia/Macao? (got 'Asia/Manilla')",
        f"{path}: teams.manila.post_at: '8:30' is not a 24-hour local time like \"08:30\"",
        f"{path}: teams.manila.weekdays.0: Input should be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun' "
        "(got 'monday')",
        f"{path}: teams.dublin.channel: 'dublin-qa' is not a Slack channel id (C..., G... or D...; in Slack: "
        "channel details > About > Channel ID)",
        f"{path}: alerts.renotify_max: Input should be greater than or equal to 0 (got -1)",
        f"{path}: alerts.accuracy.window_days: Input should be greater than or equal to 1 (got 0)",
        f"{path}: alerts.accuracy.scopes.0: Input should be 'vendor' or 'queue' (got 'agent')",
    ]


def test_alert_rules_run_only_with_somewhere_to_post():
    from bot.config import parse_team_config

    assert parse_team_config({}, origin="t").alerts.active_rules() == []
    config = parse_team_config({"alerts": {"channel": "C0ALERTS", "owners": ["S0LEADS"],
                                           "aht": {"enabled": False},
                                           "stale_data": {"channel": "C0DATAOPS", "owners": []}}}, origin="t")
    assert config.alerts.active_rules() == ["escalation_overdue", "dispute_overdue", "accuracy", "shift", "stale_data"]
    assert config.alerts.channel_for("stale_data") == "C0DATAOPS" and config.alerts.owners_for("stale_data") == []
    assert config.alerts.channel_for("accuracy") == "C0ALERTS" and config.alerts.owners_for("accuracy") == ["S0LEADS"]


def test_shift_rule_keys_are_checked(tmp_path):
    problems = problems_of(tmp_path, "[alerts.shift]\nmethod = 'cusumm'\nbaseline_days = 7\nrules = [5]\n"
                                     "arl0_days = 10\newma_lambda = 0\n")
    joined = "\n".join(problems)
    assert "alerts.shift.method: Input should be 'cusum', 'ewma' or 'western_electric' (got 'cusumm')" in joined
    assert "alerts.shift.baseline_days: Input should be greater than or equal to 14 (got 7)" in joined
    assert "alerts.shift.rules.0: Input should be 1, 2, 3 or 4 (got 5)" in joined
    assert "alerts.shift.arl0_days: Input should be greater than or equal to 30 (got 10)" in joined
    assert "alerts.shift.ewma_lambda: Input should be greater than 0 (got 0)" in joined
    assert len(problems) == 5


def test_root_cause_and_coaching_keys_are_checked(tmp_path):
    problems = problems_of(tmp_path, "[rca]\nrepeat_min = 1\n[coaching]\nmin_audit = 3\ndigest_day = 'monday'\n"
                                     "digest_timezone = 'Europe/Dublinn'\ndefault_follow_up_days = 0\n"
                                     "[vendors.x]\nleads = ['nope']\nleads_channel = '#leads'\n")
    joined = "\n".join(problems)
    assert "rca.repeat_min: Input should be greater than or equal to 2 (got 1)" in joined
    assert "vendors.x.leads.0: 'nope' is not a Slack user or user group id" in joined
    assert "vendors.x.leads_channel: '#leads' is not a Slack channel id" in joined
    assert "coaching.min_audit: unknown key" in joined
    assert "coaching.digest_day: Input should be 'mon'" in joined
    assert "coaching.digest_timezone: 'Europe/Dublinn' is not an IANA time zone; did you mean Europe/Dublin" in joined
    assert "coaching.default_follow_up_days: Input should be greater than or equal to 1" in joined
    assert len(problems) == 7


def test_sample_planning_settings_are_checked(tmp_path):
    problems = problems_of(tmp_path, "[defaults]\nmin_agent_audits = 0\n[queues.video]\nweekly_items = -5\n")
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "defaults.min_agent_audits: Input should be greater than or equal to 1 (got 0)",
        "queues.video.weekly_items: Input should be greater than or equal to 1 (got -5)",
    ]


def test_scheduled_reviews_are_checked_with_helpful_messages(tmp_path):
    problems = problems_of(tmp_path, """
[reviews.acme-weekly]
channel = "#leadership"
timezone = "Europe/Dublinn"
day = "monday"
at = "9:00"
period = "year"
vendor = "acme"
teams = "dublin"
""")
    assert [problem.split(": ", 1)[1] for problem in problems] == [
        "reviews.acme-weekly.channel: '#leadership' is not a Slack channel id (C..., G... or D...; in Slack: "
        "channel details > About > Channel ID)",
        "reviews.acme-weekly.timezone: 'Europe/Dublinn' is not an IANA time zone; did you mean Europe/Dublin or "
        "Europe/Tallinn or Europe/Busingen? (got 'Europe/Dublinn')",
        "reviews.acme-weekly.day: Input should be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun' (got 'monday')",
        "reviews.acme-weekly.at: '9:00' is not a 24-hour local time like \"08:30\"",
        "reviews.acme-weekly.period: Input should be 'week', 'month' or 'quarter' (got 'year')",
        "reviews.acme-weekly.teams: unknown key (check its spelling; see config/qabot.toml for the keys)",
    ]


def test_a_scheduled_review_defaults_to_monday_nine_weekly_and_names_its_scope():
    from bot.config import parse_team_config

    config = parse_team_config({"reviews": {
        "org": {"channel": "C0LEADERS", "timezone": "Europe/Dublin"},
        "acme-shop": {"channel": "C0ACME", "timezone": "Asia/Manila", "period": "quarter", "vendor": "acme",
                      "queue": "shop"}}}, origin="t")
    org, acme = config.reviews["org"], config.reviews["acme-shop"]
    assert (org.day, org.at, org.period, org.scopes(), org.scope_label()) == ("mon", "09:00", "week", {}, "org")
    assert acme.scopes() == {"vendor": "acme", "queue": "shop"} and acme.scope_label() == "vendor acme, queue shop"
