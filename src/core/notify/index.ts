/* Notifications: event types, event ids (stream positions), SSE framing, webhook signatures. */
export { EVENT_TYPES, isEventType } from "./event-types.js";
export type { EventData, EventType, NotificationEvent } from "./event-types.js";
export { formatEventId, parseEventId, positionCovers } from "./event-id.js";
export type { EventPosition } from "./event-id.js";
export { sseComment, sseEvent, sseReconnect } from "./sse-frame.js";
export { SECRET_PREFIX, signWebhook, verifyWebhook } from "./webhook-signature.js";
