resource "azurerm_cognitive_deployment" "chat" {
  name                 = "chat-prod"
  cognitive_account_id = azurerm_cognitive_account.acme.id
  model {
    format  = "OpenAI"
    name    = "gpt-35-turbo"
    version = "0125"
  }
}

variable "embedding_model" {
  type    = string
  default = "text-embedding-ada-002"
}
