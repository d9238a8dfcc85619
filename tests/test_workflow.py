"""The GitHub workflow: tests on every push and pull request, least privilege, the README's commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as the boolean true.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def workflow() -> dict:
    return load(WORKFLOWS / "deploy.yml")


def runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def write_permissions(permissions) -> set[str]:
    if permissions in ("write-all",):
        return {"all"}
    return {name for name, level in (permissions or {}).items() if level == "write"}


def test_only_the_deploy_job_may_write():
    flow = workflow()
    assert flow["permissions"] == {}
    writers = {name: write_permissions(job.get("permissions")) for name, job in flow["jobs"].items()}
    assert writers == {"test": set(), "build": set(), "deploy": {"pages", "id-token"}}
    assert flow["jobs"]["test"]["permissions"] == {"contents": "read"}


def test_tests_run_on_every_push_and_pull_request_and_deploy_only_from_main():
    flow = workflow()
    assert "pull_request" in flow["on"] and "push" in flow["on"] and not (flow["on"]["push"] or {}).get("branches")
    assert "make test" in runs(flow["jobs"]["test"])
    assert flow["jobs"]["build"]["needs"] == "test" and flow["jobs"]["deploy"]["needs"] == "build"
    condition = flow["jobs"]["build"]["if"]
    assert "refs/heads/main" in condition and "pull_request" in condition


def test_the_build_step_is_the_readme_command_with_the_pages_address():
    flow = workflow()
    build = next(step for step in flow["jobs"]["build"]["steps"] if step.get("run") == "make build")
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert any(
        step.get("uses", "").startswith("actions/configure-pages@") and step.get("id") == "pages"
        for step in flow["jobs"]["build"]["steps"]
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^\s*make build\b", readme, re.M) and re.search(r"^\s*make test\b", readme, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_browser_installs_without_ignoring_failure():
    flow = workflow()
    commands = [command for job in flow["jobs"].values() if "steps" in job for command in runs(job)]
    browser = next(command for command in commands if "playwright install" in command)
    assert "--with-deps chromium" in browser
    assert not [command for command in commands if "|| true" in command or "||true" in command]


def test_checkouts_keep_no_credentials_and_pip_is_cached():
    for name, job in workflow()["jobs"].items():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"]["cache"] == "pip", name


def test_zizmor_finds_nothing():
    zizmor = Path(sys.executable).with_name("zizmor")
    result = subprocess.run(
        [str(zizmor), "--offline", "--format", "plain", str(WORKFLOWS)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
