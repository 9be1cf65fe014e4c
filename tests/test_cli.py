"""The `park` command as an operator runs it: a subprocess on a fresh database."""

from __future__ import annotations

from tests.processes import park


def test_users_add_reads_the_password_from_stdin_and_refuses_duplicates(fresh_env):
    first = park(fresh_env, "users", "add", "wang", "--role", "manager", "--password-stdin", stdin="s3cret-pass\n")
    assert first.returncode == 0, first.stderr
    again = park(fresh_env, "users", "add", "wang", "--role", "manager", "--password-stdin", stdin="s3cret-pass\n")
    assert again.returncode == 1 and "already exists" in again.stderr


def test_users_add_names_the_bad_field(fresh_env):
    result = park(
        fresh_env,
        "users",
        "add",
        "li",
        "--role",
        "tenant",
        "--tenant",
        "91110000600037341L",
        "--password-stdin",
        stdin="s3cret-pass\n",
    )
    assert result.returncode == 1 and "tenant_uscc" in result.stderr


def test_demo_prints_a_fresh_random_password_each_time_and_changes_nothing_the_second_time(fresh_env):
    first, second = park(fresh_env, "demo"), park(fresh_env, "demo")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    passwords = [
        line.split()[-1] for out in (first.stdout, second.stdout) for line in out.splitlines() if "password:" in line
    ]
    assert len(passwords) == 2 and passwords[0] != passwords[1] and len(passwords[0]) >= 12
    assert "nothing changed" in second.stdout
