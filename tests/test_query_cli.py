"""The query commands as a user runs them (in this process, on the session's loaded store): JSON that
parses, exit codes."""

from __future__ import annotations

import json

import pytest

from cli_helpers import invoke, one_line_error


def test_hosting_json(loaded_store):
    result = invoke("hosting", "ELIXIR", "--format", "json", store=loaded_store, check=True)
    # Smart Music, ScrollKeeper, Remote.com on AWS; Logflare on Google Cloud
    assert [(row["name"], row["companies"]) for row in json.loads(result.stdout)] == [("AWS", 3), ("Google Cloud", 1)]


def test_cooccurring_json_and_limit_zero(loaded_store):
    result = invoke("cooccurring", "postgresql", "--limit", "2", "--format", "json", store=loaded_store, check=True)
    assert [(row["technology"], row["shared"]) for row in json.loads(result.stdout)] == [("aws", 6), ("redis", 6)]
    none = invoke("cooccurring", "postgres", "--limit", "0", "--format", "json", store=loaded_store, check=True)
    assert none.stdout.strip() == "[]"
    csv = invoke("timeline", "redis", "--limit", "0", "--format", "csv", store=loaded_store, check=True)
    assert csv.stdout.strip() == "date,episode,company_name,company,in_stack,timestamps,listen"


def test_path_table(loaded_store):
    result = invoke("path", "elixir", "Google Cloud", store=loaded_store, check=True)
    assert "Elixir <-USES- Logflare -HOSTED_ON-> Google Cloud" in result.stdout


def test_similar_stack_csv(loaded_store):
    result = invoke("similar", "--stack", "rails,postgres,redis", "--limit", "1", "--format", "csv",
                    store=loaded_store, check=True)
    # rails+postgres+redis: VA.gov 3 shared of 16 -> 3/16, GoRails 3/17, Smart Music 3/23
    assert result.stdout.splitlines()[1].startswith("VA.gov,va-gov,0.1875,")


@pytest.mark.parametrize("args", [["hosting", "elixr"], ["similar", "remote.cmo"], ["path", "elixir", "nowhere-xyz"]])
def test_unknown_name_exits_1_with_suggestions(loaded_store, args):
    result = invoke(*args, store=loaded_store)
    assert result.exit_code == 1
    line = one_line_error(result)
    if args[0] == "hosting":
        assert "did you mean 'Elixir'" in line


def test_usage_errors_exit_2(loaded_store):
    assert invoke("cooccurring", store=loaded_store).exit_code == 2
    assert invoke("cooccurring", "postgres", "--all", store=loaded_store).exit_code == 2
    assert invoke("similar", store=loaded_store).exit_code == 2
    assert invoke("hosting", "elixir", "--limit", "-1", store=loaded_store).exit_code == 2
