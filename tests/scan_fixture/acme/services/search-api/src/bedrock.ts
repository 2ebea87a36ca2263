import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";

const MODELS = {
  summarise: "anthropic.claude-3-haiku-20240307-v1:0",
  long: "amazon.nova-premier-v1:0",
  open: "meta.llama3-1-70b-instruct-v1:0",
};

export async function converse(client: BedrockRuntimeClient, text: string) {
  return client.send(new ConverseCommand({ modelId: MODELS.summarise, messages: [{ role: "user", content: [{ text }] }] }));
}
