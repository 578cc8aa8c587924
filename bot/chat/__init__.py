"""Chatting with Bedrock models: the model seam, memory, model choice, tools, reliability, try and compare."""
