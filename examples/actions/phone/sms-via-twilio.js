/**
 * Send MFA codes with Twilio: SMS for text messages, a spoken message for voice.
 */
const twilio = require("twilio");

exports.onExecuteSendPhoneMessage = async (event, api) => {
  const client = twilio(event.secrets.TWILIO_ACCOUNT_SID, event.secrets.TWILIO_AUTH_TOKEN);
  const { recipient, text, message_type: messageType } = event.message_options;
  if (messageType === "voice") {
    await client.calls.create({
      to: recipient,
      from: event.secrets.TWILIO_FROM,
      twiml: `<Response><Say>${text}</Say></Response>`,
    });
    return;
  }
  await client.messages.create({ to: recipient, from: event.secrets.TWILIO_FROM, body: text });
};
