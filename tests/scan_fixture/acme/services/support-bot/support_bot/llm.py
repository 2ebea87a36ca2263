"""Support bot: answers tickets with GPT-4o and falls back to Claude 3.5 Sonnet."""
import os

from llama_index.core import VectorStoreIndex
from openai import OpenAI

PRIMARY_MODEL = "gpt-4o-2024-08-06"
FALLBACK_MODEL = os.environ.get("FALLBACK_MODEL", "claude-3-5-sonnet-20241022")
EXPORT_FILE = "exports/chatgpt_export.csv"
PAINTER = "Claude Monet"
REASONING = dict(model="o1", reasoning_effort="low")

SYSTEM_PROMPT = """You are Acme's support assistant. Answer the customer's question using only the
knowledge base excerpts below. If the answer is not there, say so and offer to open a ticket."""
SHORT_PROMPT = "Answer briefly."


def answer(client: OpenAI, question: str, index: VectorStoreIndex) -> str:
    o1 = index.as_retriever().retrieve(question)
    template = open(os.path.join(os.path.dirname(__file__), "..", "prompts/answer.prompt.md")).read()
    reply = client.chat.completions.create(model=PRIMARY_MODEL, messages=[
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": template.format(question=question, context=o1)},
    ])
    return reply.choices[0].message.content
