"""Story grouping (issue 16, the grouping core): the labelled fixture's pairwise precision and
recall, and each trap on its own."""

from __future__ import annotations

from itertools import combinations

from feedwatch.stories.assign import StoryIndex
from feedwatch.stories.evidence import StoryItem, model_event_keys
from feedwatch.stories.titles import near_identical
from tests.stories_fixture import ITEMS


def group(rows=ITEMS):
    index = StoryIndex()
    labels, stories = {}, {}
    ordered = sorted(enumerate(rows, 1), key=lambda r: (r[1][6], r[0]))     # as a fetch would store them
    for n, (label, source, title, url, text, arxiv_id, published, repo) in ordered:
        item = StoryItem(n, source, title, url, text, arxiv_id, published, repo,
                         model_event_keys(source, title, text))
        labels[n] = label
        stories[n] = index.add(item)
    return labels, {n: index.story_of[n] for n in stories}, index


def pairwise(labels, stories):
    tp = fp = fn = 0
    for a, b in combinations(sorted(labels), 2):
        same_label, same_story = labels[a] == labels[b], stories[a] == stories[b]
        tp += same_label and same_story
        fp += same_story and not same_label
        fn += same_label and not same_story
    return tp / (tp + fp), tp / (tp + fn)


def test_pairwise_precision_and_recall_on_the_labelled_fixture():
    labels, stories, _ = group()
    precision, recall = pairwise(labels, stories)
    assert len(ITEMS) >= 60 and len({r[1] for r in ITEMS}) >= 5
    assert precision >= 0.97 and recall >= 0.9, (precision, recall)
    wrong = [(labels[a], labels[b]) for a, b in combinations(sorted(labels), 2)
             if (labels[a] == labels[b]) != (stories[a] == stories[b])]
    assert wrong == [], wrong


def test_what_must_not_merge():
    assert not near_identical("vLLM v0.14.0 released", "vLLM v0.14.1 released")
    assert not near_identical("Sparse Attention Is All You Need for Long Documents",
                              "Dense Attention Is All You Need for Long Documents")
    assert not near_identical("Chain-of-Thought Prompting Improves Multilingual Reasoning",
                              "Chain-of-Thought Prompting Does Not Improve Multilingual Reasoning")
    assert not near_identical("Introducing Llama 4.1 8B", "Introducing Llama 4.1 70B")
    assert near_identical("Optimisation tricks for serving mixture-of-experts models",
                          "Optimization tricks for serving mixture of experts models")
    labels, stories, _ = group()
    by_label = {}
    for n, label in labels.items():
        by_label.setdefault(label, set()).add(stories[n])
    for a, b in (("v140", "v141"), ("p2", "p3"), ("l8", "l70"), ("batch1", "batch2"), ("batch2", "batch3"),
                 ("iai1", "iai2"), ("gem35", "gem30"), ("p4", "p5")):
        assert by_label[a].isdisjoint(by_label[b]), (a, b)
    assert all(len(by_label[f"p{n}"]) == 1 for n in (1, 2, 4))
    assert len({stories[n] for n, label in labels.items() if label == "r1"} & set().union(
        *(by_label[x] for x in ("p1", "p2", "p4")))) == 0       # the roundup joins none of its papers


def test_a_hostile_feed_repeating_one_title_stays_bounded():
    index = StoryIndex(max_size=50)
    for n in range(1, 10_001):
        index.add(StoryItem(n, f"spam-{n % 3}", "Breaking: the same headline again and again", None, "", None,
                            "2026-11-20T10:00:00Z"))
    assert max(len(s.items) for s in index.stories.values()) <= 50
    # each of the three sources' copies never joins a story holding its own source
    assert all(len(s.sources) == len(s.items) for s in index.stories.values())
