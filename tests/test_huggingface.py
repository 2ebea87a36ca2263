"""Hugging Face model listings (feedwatch.sources.huggingface)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedwatch.sources.huggingface import is_placeholder_created_at, parse_hf_models

HF = "https://huggingface.co"
REAL = Path("/work/shared/fixtures/real/hf-api")
needs_real = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real Hugging Face fixtures not available ({REAL} is absent)"
)

LLAMA = {
    "_id": "66988d2c2ad4c5cb2d1f0fb8",
    "id": "meta-llama/Llama-3.1-8B-Instruct",
    "author": "meta-llama",
    "createdAt": "2024-07-18T08:56:00.000Z",
    "lastModified": "2024-09-25T17:00:57.000Z",
    "downloads": 5123456,
    "likes": 4321,
    "pipeline_tag": "text-generation",
    "library_name": "transformers",
    "tags": [
        "transformers", "safetensors", "llama", "text-generation", "facebook", "meta", "pytorch",
        "llama-3", "conversational", "en", "de", "fr", "arxiv:2204.05149",
        "base_model:meta-llama/Llama-3.1-8B", "base_model:finetune:meta-llama/Llama-3.1-8B",
        "license:llama3.1", "autotrain_compatible", "text-generation-inference",
        "endpoints_compatible", "region:us",
    ],
    "private": False,
    "gated": "manual",
}


def _body(records) -> bytes:
    return json.dumps(records).encode()


def test_listing_record_becomes_an_entry():
    feed = parse_hf_models(_body([LLAMA]), HF)
    assert feed.warning is None
    assert feed.title == "Hugging Face models by meta-llama"
    (e,) = feed.entries
    assert e.guid == e.title == "meta-llama/Llama-3.1-8B-Instruct"
    assert e.url == "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct"
    assert e.published == "2024-07-18T08:56:00Z"
    assert e.updated == "2024-09-25T17:00:57Z"
    assert e.authors == ["meta-llama"]
    assert e.categories[:2] == ["text-generation", "transformers"]
    for noise in ("region:us", "endpoints_compatible", "autotrain_compatible", "text-generation-inference",
                  "safetensors", "pytorch", "en", "license:llama3.1", "arxiv:2204.05149"):
        assert noise not in e.categories
    assert "llama" in e.categories and "conversational" in e.categories
    assert len(e.categories) <= 8
    assert e.summary.startswith("New text-generation model by meta-llama (transformers).")
    assert "Fine-tune of meta-llama/Llama-3.1-8B." in e.summary
    assert "Tags: llama" in e.summary
    assert e.extra["license"] == "llama3.1"
    assert e.extra["base_models"] == ["meta-llama/Llama-3.1-8B"]
    assert e.extra["base_model_relation"] == "finetune"
    assert e.extra["arxiv_ids"] == ["2204.05149"]
    assert e.extra["downloads"] == 5123456 and e.extra["likes"] == 4321
    assert e.extra["gated"] == "manual" and e.extra["private"] is False
    json.dumps(e.extra)


def test_minimal_record_and_summary_without_pipeline():
    feed = parse_hf_models(_body([{"id": "someone/tiny"}]), HF + "/")
    (e,) = feed.entries
    assert e.url == "https://huggingface.co/someone/tiny"
    assert e.authors == ["someone"]  # from the id when "author" was not expanded
    assert e.published is None and e.updated is None
    assert e.categories == []
    assert e.summary == "New model by someone."


@pytest.mark.parametrize("created", ["2022-03-02T23:29:04.000Z", "2022-03-02T23:29:05.000Z"])
def test_backfilled_creation_date_is_not_a_release_date(created):
    rec = {**LLAMA, "createdAt": created}
    assert parse_hf_models(_body([rec]), HF).entries[0].published is None
    assert is_placeholder_created_at("2022-03-02T23:29:04Z")
    assert not is_placeholder_created_at("2022-03-02T23:31:00Z")
    assert not is_placeholder_created_at(None)


def test_non_dict_records_and_bad_ids_are_skipped():
    records = [
        "meta-llama/x", 3, None, [LLAMA],
        {"id": "../../etc/passwd"}, {"id": "a b/c"}, {"id": ""}, {"no_id": True},
        {"id": "javascript:alert(1)"},
        {"id": "Qwen/Qwen3-0.6B", "author": "Qwen\x1b[31m", "tags": "not-a-list", "likes": "many"},
        {"id": "Qwen/Qwen3-0.6B"},  # duplicate id: kept once
    ]
    feed = parse_hf_models(_body(records), HF)
    assert [e.guid for e in feed.entries] == ["Qwen/Qwen3-0.6B"]
    e = feed.entries[0]
    assert e.authors == ["Qwen"]
    assert e.categories == [] and "likes" not in e.extra
    assert feed.warning and "9" in feed.warning
    assert feed.title == "Hugging Face models by Qwen"


def test_mixed_authors_title():
    feed = parse_hf_models(_body([{"id": "a/x"}, {"id": "b/y"}]), HF)
    assert feed.title == "Hugging Face models"


def test_empty_listing_is_not_an_error():
    feed = parse_hf_models(b"[]", HF)
    assert feed.entries == [] and feed.warning is None


@pytest.mark.parametrize(
    "body, fragment",
    [
        (b'{"error": "Invalid sort parameter trending_score"}', "Invalid sort parameter trending_score"),
        (b'{"error": {"message": "Rate limit reached"}}', "Rate limit reached"),
        (b'{"models": []}', "expected a JSON array"),
        (b'"text"', "expected a JSON array"),
        (b"<html>502 Bad Gateway</html>", "not valid JSON"),
        (b"", "not valid JSON"),
    ],
)
def test_bodies_that_are_not_a_listing_raise(body, fragment):
    with pytest.raises(ValueError) as info:
        parse_hf_models(body, HF)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


# --- real single-model responses (GET /api/models/{id}) wrapped as one-record listings -----------


@needs_real
def test_real_model_records_wrapped_in_a_listing():
    records = [json.loads((REAL / name).read_bytes()) for name in (
        "model-info_deepset__roberta-base-squad2.json",
        "model-info_google-bert__bert-base-uncased.json",
        "model-info_sentence-transformers__paraphrase-albert-small-v2.json",
        "model-info_stabilityai__stable-diffusion-2-1.json",
    )]
    feed = parse_hf_models(_body(records), HF)
    by_id = {e.guid: e for e in feed.entries}
    assert list(by_id) == [
        "deepset/roberta-base-squad2",
        "google-bert/bert-base-uncased",
        "sentence-transformers/paraphrase-albert-small-v2",
        "stabilityai/stable-diffusion-2-1",
    ]
    # three of them predate creation dates on the Hub (23:29:04 and 23:29:05 back-fill stamps)
    assert by_id["google-bert/bert-base-uncased"].published is None
    assert by_id["deepset/roberta-base-squad2"].published is None
    assert by_id["sentence-transformers/paraphrase-albert-small-v2"].published is None
    sd = by_id["stabilityai/stable-diffusion-2-1"]
    assert sd.published == "2022-12-06T17:24:51Z"
    assert sd.updated == "2023-07-05T16:19:17Z"
    assert sd.categories[:2] == ["text-to-image", "diffusers"]
    assert "diffusers:StableDiffusionPipeline" not in sd.categories
    assert "stable-diffusion" in sd.categories
    assert sd.extra["arxiv_ids"] == ["2112.10752", "2202.00512", "1910.09700"]
    assert sd.extra["license"] == "openrail++"
    roberta = by_id["deepset/roberta-base-squad2"]
    assert roberta.summary.startswith("New question-answering model by deepset (transformers).")
    assert "Fine-tune of FacebookAI/roberta-base." in roberta.summary
    assert roberta.extra["datasets"] == ["squad_v2"]
    bert = by_id["google-bert/bert-base-uncased"]
    assert bert.updated == "2024-02-19T11:06:12Z"
    assert set(bert.categories) & {"pytorch", "tf", "jax", "rust", "en", "region:us"} == set()
    for e in feed.entries:
        json.dumps(e.extra)


@needs_real
def test_real_single_model_object_is_not_a_listing():
    with pytest.raises(ValueError, match="expected a JSON array"):
        parse_hf_models((REAL / "model-info_google-bert__bert-base-uncased.json").read_bytes(), HF)


@needs_real
def test_real_redirect_body_is_not_json():
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_hf_models((REAL / "model-info_bert-base-uncased_HTTP307-redirect-body.json").read_bytes(), HF)
