"""`park rounds open` as an operator runs it: a subprocess on a fresh database."""

from __future__ import annotations

from tests.processes import park


def test_rounds_open_opens_one_round_per_period_and_names_a_bad_deadline(fresh_env):
    opened = park(
        fresh_env, "rounds", "open", "--period", "2017Q3", "--deadline", "2017-10-20", "--opens-on", "2017-10-01"
    )
    assert opened.returncode == 0, opened.stderr
    assert "2017Q3" in opened.stdout and "2017年第三季度" in opened.stdout and "0 tenants asked" in opened.stdout

    again = park(
        fresh_env, "rounds", "open", "--period", "2017Q3", "--deadline", "2017-10-20", "--opens-on", "2017-10-02"
    )
    assert again.returncode == 1 and "already" in again.stderr

    bad = park(fresh_env, "rounds", "open", "--period", "2017Q4", "--deadline", "someday", "--title", "季报")
    assert bad.returncode == 1 and "deadline:" in bad.stderr
