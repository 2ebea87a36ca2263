MODEL = "gpt-4-turbo"
