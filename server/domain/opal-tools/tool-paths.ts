/**
 * Where Opal calls the custom tool. A module of its own, importing nothing,
 * so that Telemetry (part of the Ctx) can name the route without importing
 * the tool verbs, which take a Ctx: that would be an import cycle.
 */
export const SEND_WORKFLOW_EVENT_PATH = '/api/opal/tools/send_workflow_event';
