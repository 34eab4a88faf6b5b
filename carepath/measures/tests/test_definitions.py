"""Every definition file loads and is a valid FHIR R4 Questionnaire; broken files are refused
with a DefinitionError that names the file and the problem; each instrument keeps the contract
other code depends on (ids, flags, parameters, provenance)."""

import copy
import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire

from carepath.measures import catalogue
from carepath.measures.catalogue import DefinitionError

EXPECTED_ITEMS = {
    "phq-9": [str(n) for n in range(1, 10)],
    "phq-2": ["1", "2"],
    "gad-7": [str(n) for n in range(1, 8)],
    "dast-10": [str(n) for n in range(1, 11)],
    "crafft-2.1": ["a1", "a2", "a3", "car", "relax", "alone", "forget", "friends", "trouble"],
    "pc-ptsd-5": ["trauma", "1", "2", "3", "4", "5"],
    "pcl-5": [str(n) for n in range(1, 21)],
    "bam": ["1", "2", "3", "4", "5", "6", "7a", "7b", "7c", "7d", "7e", "7f", "7g",
            *[str(n) for n in range(8, 18)]],
    "c-ssrs-screener": ["1", "2", "3", "4", "5", "6", "6a"],
    "sds": ["1", "2", "3", "4", "5"],
    "puf": ["1", "2a", "2b", "3", "4a", "4b", "5", "6", "7", "8", "9", "10"],
    "readiness-ruler": ["1"],
    "craving-nrs": ["1"],
    "dsm5-ketamine": [str(n) for n in range(1, 11)],
    "ketamine-signs": [*[str(n) for n in range(1, 11)], "10a", "11", "12", "13", "14"],
}

# The only flags any instrument raises, and whether each is urgent.
EXPECTED_FLAGS = {
    "phq-9": {"suicide-risk": True},
    "c-ssrs-screener": {"suicide-risk": True},
    "pcl-5": {"dsm5-provisional": False},
    "puf": {"puf-above-16": False},
    "ketamine-signs": {"risk": True, "bladder_red_flag": True},
}

ALL = sorted(EXPECTED_ITEMS)


def raw(instrument_id: str) -> dict:
    """A fresh copy of a definition file as plain JSON, to break in a test."""
    path = catalogue.DEFINITIONS_DIR / f"{instrument_id}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def nodes(resource: dict) -> dict[str, dict]:
    """Every item node of a Questionnaire, groups included, by linkId."""
    found = {}
    stack = list(resource.get("item", []))
    while stack:
        node = stack.pop()
        found[node["linkId"]] = node
        stack.extend(node.get("item", []))
    return found


def refused(resource: dict, *fragments: str) -> str:
    with pytest.raises(DefinitionError) as caught:
        catalogue.parse(resource, "broken.json")
    message = str(caught.value)
    assert message.startswith("broken.json: "), message
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- every file -----------------------------------------------------------------------------

def test_every_file_loads():
    loaded = catalogue.load_all()
    assert sorted(loaded) == ALL
    assert sorted(p.stem for p in catalogue.DEFINITIONS_DIR.glob("*.json")) == ALL


@pytest.mark.parametrize("instrument", ALL)
def test_fhir_output_is_a_valid_r4_questionnaire(instrument):
    resource = catalogue.get(instrument).fhir()
    assert "carepath" not in resource
    questionnaire = Questionnaire.model_validate(resource)
    assert questionnaire.id == instrument
    assert questionnaire.status == "active"


@pytest.mark.parametrize("instrument", ALL)
def test_items_are_in_cli_order(instrument):
    assert catalogue.get(instrument).item_ids == EXPECTED_ITEMS[instrument]


@pytest.mark.parametrize("instrument", ALL)
def test_only_the_named_flags(instrument):
    flags = catalogue.get(instrument).scoring.get("flags", [])
    assert {f["id"]: bool(f.get("urgent")) for f in flags} == EXPECTED_FLAGS.get(instrument, {})
    assert all(f.get("message") for f in flags)


@pytest.mark.parametrize("instrument", ALL)
def test_provenance_is_complete(instrument):
    defn = catalogue.get(instrument)
    for key in ("citation", "licence", "population", "notes"):
        assert isinstance(defn.provenance.get(key), str) and defn.provenance[key].strip()
    assert isinstance(defn.provenance["validated"], bool)
    assert isinstance(defn.self_report, bool)
    assert isinstance(defn.switchable, bool)


@pytest.mark.parametrize("instrument", ALL)
def test_plain_language_only_for_real_bands(instrument):
    defn = catalogue.get(instrument)
    bands = {t["band"] for t in (defn.scoring.get("bands") or {}).get("thresholds", [])}
    assert set(defn.plain_language) <= bands
    if defn.plain_language:
        assert set(defn.plain_language) == bands


@pytest.mark.parametrize("instrument", ALL)
def test_skip_logic_points_backwards_at_real_answers(instrument):
    """An item's enableWhen reads an earlier item, with an answer that item can take."""
    defn = catalogue.get(instrument)
    seen = {}
    for item in defn.items:
        for rule in item.enable_when:
            source = seen[rule["question"]]  # KeyError: refers to a later or unknown item
            if "answerCoding" in rule:
                assert source.type == "choice"
                assert int(rule["answerCoding"]["code"]) in source.allowed
            elif "answerInteger" in rule:
                assert source.type == "integer"
        if len(item.enable_when) > 1:  # FHIR que-12: several conditions need enableBehavior
            assert nodes(defn.resource)[item.link_id].get("enableBehavior") in ("all", "any")
        seen[item.link_id] = item


@pytest.mark.parametrize("instrument", ALL)
def test_answer_codes_are_whole_numbers_and_yes_no_is_1_0(instrument):
    for item in catalogue.get(instrument).items:
        if item.type != "choice":
            continue
        labels = dict(item.options)
        if set(labels.values()) == {"Yes", "No"} and len(labels) == 2:
            assert labels in ({1: "Yes", 0: "No"}, {4: "Yes", 0: "No"})  # BAM item 14: 0/4


# --- instrument contracts -------------------------------------------------------------------

def test_loinc_codes():
    assert catalogue.get("phq-2").scoring["total"]["loinc"] == "55758-7"
    assert catalogue.get("gad-7").loinc == "69737-5"
    assert catalogue.get("gad-7").scoring["total"]["loinc"] == "70274-6"
    assert catalogue.get("dast-10").scoring["total"]["loinc"] == "82667-7"
    pc_ptsd = catalogue.get("pc-ptsd-5")
    assert pc_ptsd.loinc == "102010-6"
    assert "UNVERIFIED" in pc_ptsd.provenance["notes"].upper()


def test_gad7_reliable_change():
    assert catalogue.get("gad-7").scoring["reliable_change"] == {
        "threshold": 4,
        "source": "NHS Talking Therapies (IAPT) manual: a change of 4 or more points on the "
                  "GAD-7 is reliable (secondary source; check the current manual). Bischoff et "
                  "al. 2020 derived 6 points (Jacobson-Truax, r = .87).",
    }


def test_dast10_is_switchable_with_its_licence():
    dast = catalogue.get("dast-10")
    assert dast.switchable is True
    assert dast.scoring["reversed"] == ["3"]
    assert "non-commercial" in dast.provenance["licence"].lower()
    assert "CAMH" in dast.provenance["licence"]
    assert [d.id for d in catalogue.load_all().values() if d.switchable] == ["dast-10"]


def test_parameters():
    assert catalogue.get("pc-ptsd-5").scoring["parameters"]["positive_cut_off"] == {
        "default": 3, "allowed": [3, 4], "label": "Positive at"}
    pcl = catalogue.get("pcl-5").scoring["parameters"]["probable_cut_off"]
    assert (pcl["default"], pcl["allowed"]) == (33, [31, 32, 33])


def test_not_validated_and_unverified_facts_are_labelled():
    craving = catalogue.get("craving-nrs").provenance
    assert craving["validated"] is False
    assert "not a validated ketamine craving scale" in craving["notes"]
    assert "score only; no validated cut-off" in catalogue.get("sds").provenance["notes"].lower()
    assert "bands" not in catalogue.get("sds").scoring
    for instrument in ("bam", "puf"):
        assert "[R]" in catalogue.get(instrument).provenance["notes"]
    assert "[R]" in catalogue.get("puf").provenance["licence"]


def test_clinician_rated_instruments():
    assert {d.id for d in catalogue.load_all().values() if not d.self_report} == {
        "dsm5-ketamine", "c-ssrs-screener"}


def test_dsm5_codes_and_no_withdrawal_item():
    dsm = catalogue.get("dsm5-ketamine")
    assert [(c["system"], c["code"]) for c in dsm.scoring["codes"]] == [
        ("icd10cm", "F16.10"), ("icd10cm", "F16.20")]
    assert not any("withdrawal" in item.text.lower() for item in dsm.items)


def by_id(instrument: str) -> dict:
    return {item.link_id: item for item in catalogue.get(instrument).items}


def test_bam_has_no_total_and_its_drug_lines_are_optional_days():
    bam = catalogue.get("bam")
    items = by_id("bam")
    assert bam.scoring["total"] is None
    for link_id in ("7a", "7b", "7c", "7d", "7e", "7f", "7g"):
        item = items[link_id]
        assert (item.type, item.minimum, item.maximum, item.required) == ("integer", 0, 30, False)
    assert dict(items["14"].options) == {0: "No", 4: "Yes"}
    scored = {i for s in bam.scoring["subscales"] for i in s["items"]}
    assert scored.isdisjoint({"7a", "7b", "7c", "7d", "7e", "7f", "7g", "17"})


def test_puf_subscale_maxima():
    puf, items = catalogue.get("puf"), by_id("puf")
    maxima = {s["id"]: sum(items[i].high for i in s["items"])
              for s in puf.scoring["subscales"]}
    assert maxima == {"symptom": 23, "bother": 12}
    assert sorted(puf.scoring["total"]["items"]) == sorted(
        i for s in puf.scoring["subscales"] for i in s["items"])


# --- broken definitions are refused ---------------------------------------------------------

def test_unknown_item_in_total():
    broken = raw("gad-7")
    broken["carepath"]["scoring"]["total"]["items"].append("99")
    refused(broken, "total item '99' does not exist")


def test_band_thresholds_must_rise():
    broken = raw("gad-7")
    thresholds = broken["carepath"]["scoring"]["bands"]["thresholds"]
    thresholds[1]["min"], thresholds[2]["min"] = thresholds[2]["min"], thresholds[1]["min"]
    refused(broken, "band thresholds must rise")


def test_equal_band_thresholds_are_refused():
    broken = raw("phq-2")
    broken["carepath"]["scoring"]["bands"]["thresholds"][1]["min"] = 0
    refused(broken, "band thresholds must rise")


def test_band_parameter_must_exist():
    broken = raw("pcl-5")
    broken["carepath"]["scoring"]["bands"]["thresholds"][1]["min"] = {"parameter": "nope"}
    refused(broken, "unknown parameter 'nope'")


def test_unknown_function():
    broken = raw("pcl-5")
    broken["carepath"]["scoring"]["function"] = "pcl5_made_up"
    refused(broken, "scoring function 'pcl5_made_up' is not registered")


def test_missing_provenance():
    broken = raw("sds")
    del broken["carepath"]["provenance"]
    refused(broken, "needs a carepath member with scoring and provenance")


@pytest.mark.parametrize("key", ["citation", "licence", "population", "validated"])
def test_missing_provenance_field(key):
    broken = raw("sds")
    del broken["carepath"]["provenance"][key]
    refused(broken, f"provenance needs '{key}'")


def test_bad_enable_when_question():
    broken = raw("pc-ptsd-5")
    broken["item"][1]["item"][0]["enableWhen"][0]["question"] = "traumas"
    refused(broken, "item 1 enableWhen names unknown question 'traumas'")


def test_bad_enable_when_operator():
    broken = raw("crafft-2.1")
    broken["item"][1]["item"][1]["enableWhen"][0]["operator"] = "=>"
    refused(broken, "item relax", "enableWhen operator '=>'")


def test_flag_reading_an_unknown_item():
    broken = raw("puf")
    broken["carepath"]["scoring"]["flags"][0]["when"] = {"source": "item:11", "op": ">",
                                                         "value": 0}
    refused(broken, "condition reads unknown source 'item:11'")


def test_band_rules_must_end_without_a_condition():
    broken = raw("c-ssrs-screener")
    broken["carepath"]["scoring"]["band_rules"].pop()
    refused(broken, "the last band rule must have no condition")


def test_parameter_default_must_be_allowed():
    broken = raw("pc-ptsd-5")
    broken["carepath"]["scoring"]["parameters"]["positive_cut_off"]["default"] = 5
    refused(broken, "parameter positive_cut_off default not in allowed")


def test_unknown_scoring_key():
    broken = raw("phq-2")
    broken["carepath"]["scoring"]["cutoff"] = 3
    refused(broken, "unknown scoring keys ['cutoff']")


def test_reversed_item_must_exist():
    broken = raw("dast-10")
    broken["carepath"]["scoring"]["reversed"] = ["11"]
    refused(broken, "reversed item '11' does not exist")


@pytest.mark.parametrize(("field", "value"), [("date", "yesterday"), ("subjectType", "Patient"),
                                              ("statuss", "active")])
def test_invalid_fhir_is_refused(field, value):
    broken = raw("readiness-ruler")
    broken[field] = value
    refused(broken, "not a valid FHIR Questionnaire", field)


def test_integer_item_needs_its_range():
    broken = raw("craving-nrs")
    broken["item"][0]["extension"] = broken["item"][0]["extension"][:1]
    refused(broken, "item 1", "an integer item needs minValue <= maxValue")


def test_choice_item_needs_options():
    broken = raw("phq-2")
    del broken["item"][0]["item"][1]["answerOption"]
    refused(broken, "item 2", "a choice item needs answerOption")


def test_duplicate_link_id():
    broken = raw("phq-2")
    broken["item"][0]["item"][1]["linkId"] = "1"
    refused(broken, "duplicate linkId")


def test_file_name_must_match_id(tmp_path):
    path = tmp_path / "gad-8.json"
    path.write_text(json.dumps(raw("gad-7")), encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^gad-8\.json: id 'gad-7' does not match"):
        catalogue.load_file(path)


def test_invalid_json_names_the_file(tmp_path):
    path = tmp_path / "gad-7.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"^gad-7\.json: not valid JSON"):
        catalogue.load_file(path)


def test_definition_item_lookup():
    bam = catalogue.get("bam")
    assert bam.item("7g").section.startswith("In the past 30 days")
    assert bam.item("14").allowed == (0, 4)


def test_a_real_copy_still_parses():
    """The breaking tests above change one thing each; the untouched copy is accepted."""
    for instrument in ALL:
        assert catalogue.parse(copy.deepcopy(raw(instrument)), "copy.json").id == instrument


def test_a_condition_on_a_later_item_is_refused():
    broken = copy.deepcopy(catalogue.get("pc-ptsd-5").resource)
    broken["item"][0]["enableWhen"] = [
        {"question": "5", "operator": "=", "answerCoding": {"code": "1"}}]
    with pytest.raises(catalogue.DefinitionError, match="comes later"):
        catalogue.parse(broken, "broken.json")


def test_a_condition_on_a_group_is_refused():
    broken = copy.deepcopy(catalogue.get("phq-9").resource)
    broken["item"][0]["enableWhen"] = [
        {"question": "1", "operator": "exists", "answerBoolean": True}]
    with pytest.raises(catalogue.DefinitionError, match="put conditions on the items"):
        catalogue.parse(broken, "broken.json")
