"""The README's fault-injection section: its field table is the model's, every header example
parses to the effect it names, the curl example prints what it says, the retry recipe passes."""

from __future__ import annotations

import pytest

from emulator.api.control_faults import FaultRuleBody, header_fault
from emulator.app import create_app
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.readme import block, code, run_bash, table

pytest_plugins = ["pytester"]


def test_the_field_table_is_the_rule_models() -> None:
    documented = [code(row[0]) for row in table("fault-rule-fields")]
    fields = [field.alias or name for name, field in FaultRuleBody.model_fields.items()]
    assert sorted(documented) == sorted(fields)
    assert len(documented) == len(set(documented))


def test_every_header_example_is_the_effect_it_names() -> None:
    examples = [code(row[0]) for row in table("fault-effects")]
    assert len(examples) == 9
    for example in examples:
        assert header_fault(example).effect.value == example.partition(";")[0]


def test_the_curl_example_prints_what_the_readme_says() -> None:
    with EmulatorServer(create_app(Settings(clock="manual", auth="lenient"))) as server:
        done = run_bash("fault-curl", server.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["curl failed: 56", "1 call"]


def test_the_retry_recipe_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_retries=block("fault-retry-example"))
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")
    result.assert_outcomes(passed=2)
