"""Weekly usage report. Not a model client: the strings below only look like model ids."""
import subprocess

import llama_index

LEVELS = ["o1", "o2", "o3"]
RESULTS = "results/gpt-4o-eval.json"
DOCS = "https://platform.openai.com/docs/models/gpt-4o"


def export(df):
    df.to_csv("chatgpt_export.csv")
    subprocess.run(["gemini-cli", "--version"], check=False)
    o1 = len(LEVELS)
    return o1, "painted by Claude Monet", llama_index.__version__
