"""How families reach the helpline: Twilio's SMS webhooks (sms), the Android gateway phones'
webhooks (android), the web chat (chat) and the simulator's basic phone (simulator). Each
stores the family's words and hands them to webhooks.messaging.inbound; replies leave through
webhooks.messaging.outbound and the SMS providers."""
