import { BadRequestException } from '@nestjs/common';
import { MAX_TICKET_ID } from './intake.constants';

/**
 * `ticket_id` as Gorgias renders `{{ticket.id}}` (a string) or as a number; the decimal string is
 * returned (ids are bigints). Anything else is a 400 naming the field.
 */
export function ticketIdOf(body: unknown): string {
  const raw = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>).ticket_id : undefined;
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^[1-9]\d{0,18}$/.test(text) || BigInt(text) > MAX_TICKET_ID) {
    throw new BadRequestException(
      'ticket_id: must be the Gorgias ticket id, a positive integer or a string of digits, e.g. {"ticket_id": "123"}.',
    );
  }
  return text;
}
