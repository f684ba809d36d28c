"""The shipped synthetic-data files, read by the one loader (`model.packaged.load`): each file
validates against its model, a typo in a file is refused rather than read as a default, and a
file is read once per process."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml
from pydantic import ValidationError

from csc_scorecard.model import packaged
from csc_scorecard.synth import addresses, calibration, finance
from csc_scorecard.synth.finance.calibration import Calibration as FinanceCalibration
from csc_scorecard.synth.workforce.calibration import Calibration as WorkforceCalibration
from csc_scorecard.synth.workforce.calibration import calibration as workforce_calibration

# (package, file, model): every YAML the generator ships.
SHIPPED = [
    ("csc_scorecard.synth", "children.yaml", calibration.Calibration),
    ("csc_scorecard.synth", "postcodes.yaml", addresses.Postcodes),
    ("csc_scorecard.synth.finance", "finance.yaml", FinanceCalibration),
    ("csc_scorecard.synth.workforce", "workforce.yaml", WorkforceCalibration),
]


def _raw(package: str, name: str) -> dict:
    return yaml.safe_load(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("package", "name", "model"), SHIPPED, ids=[s[1] for s in SHIPPED])
def test_every_shipped_file_loads_once_and_refuses_an_unknown_key(package, name, model):
    loaded = packaged.load(package, name, model)
    assert isinstance(loaded, model)
    assert packaged.load(package, name, model) is loaded  # read once, shared
    raw = _raw(package, name)
    with pytest.raises(ValidationError, match="typo_key"):
        model.model_validate({**raw, "typo_key": 1})
    first = next(iter(raw))
    with pytest.raises(ValidationError, match=first):
        model.model_validate({k: v for k, v in raw.items() if k != first})


def test_the_generators_read_their_calibration_through_the_loader():
    assert calibration.load() is packaged.load(
        "csc_scorecard.synth", "children.yaml", calibration.Calibration
    )
    assert finance.calibration() is packaged.load(
        "csc_scorecard.synth.finance", "finance.yaml", FinanceCalibration
    )
    assert (
        workforce_calibration().step_down_share
        == (_raw("csc_scorecard.synth.workforce", "workforce.yaml")["step_down_share"])
    )
    assert (
        finance.calibration().manager_cost_factor
        == (_raw("csc_scorecard.synth.finance", "finance.yaml")["manager_cost_factor"])
    )


def test_postcodes_keep_each_areas_sample_under_its_dfe_code():
    doncaster = addresses.addresses("371")
    assert set(doncaster.la_code) == set(_raw("csc_scorecard.synth", "postcodes.yaml")["areas"])
    assert "DN1 1AH" in set(doncaster.postcodes[doncaster.la_code == "371"])
    assert doncaster.location(["DN1 1AH", None, "ZZ9 9ZZ"]).tolist() == ["IN", None, None]
