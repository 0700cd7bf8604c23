/** Bounds of the alert lifecycle's inputs, without zod (the console imports them). */
export const ALERT_NOTE_MAX = 500;
export const SILENCE_MINUTES = { min: 5, max: 7 * 24 * 60 } as const;
