/** Builds one realistic Gorgias message (used by the seed and by `addMessage`). */
import type { GorgiasCustomerRef, GorgiasMessage } from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import { AGENT_LINES, CUSTOMER_LINES, SOURCE_TYPE, VIA } from './seed-vocabulary';
import type { AgentRec, CustomerRec } from './store';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function customerRef(c: CustomerRec): GorgiasCustomerRef {
  return { id: c.id, email: c.email, name: c.name, firstname: c.firstname, lastname: c.lastname };
}

export interface MessageSpec {
  id: number;
  ticketId: number;
  channel: string;
  fromAgent: boolean;
  internal: boolean;
  customer: CustomerRec;
  agent: AgentRec;
  subject: string;
  orderNo: string;
  created: number;
  large: boolean;
  withAttachment: boolean;
}

export function buildMessage(subdomain: string, pick: <T>(xs: readonly T[]) => T, p: MessageSpec): GorgiasMessage {
  const cust = customerRef(p.customer);
  const ag = { id: p.agent.id, email: p.agent.email, name: p.agent.name, firstname: p.agent.firstname, lastname: p.agent.lastname };
  const sender = p.fromAgent ? ag : cust;
  const receiver = p.fromAgent ? cust : ag;
  let text = (p.fromAgent ? pick(AGENT_LINES) : pick(CUSTOMER_LINES)).replace('%N', p.orderNo).replace('%F', p.customer.firstname);
  if (p.internal) text = `Internal note: customer ${p.customer.name} seems upset, handle with care.`;
  let html = `<div><p>${escapeHtml(text)}</p></div>`;
  if (p.large) {
    const para = `Log line for order ${p.orderNo}: status=ok, scanned at depot, "quoted" <tag> & ünïcödé ✓. `;
    const reps = Math.ceil(200_000 / Buffer.byteLength(para));
    text = `${text}\n${para.repeat(reps)}`;
    html = `<div><p>${escapeHtml(text.slice(0, 200))}</p><pre>${escapeHtml(para.repeat(reps))}</pre></div>`;
  }
  const signature = p.fromAgent ? `\n\n--\n${p.agent.name}, ${subdomain} support` : '';
  const sourceType = p.internal ? 'internal-note' : (SOURCE_TYPE[p.channel] ?? 'api');
  return {
    id: p.id,
    uri: '',
    message_id: null,
    ticket_id: p.ticketId,
    external_id: null,
    public: !p.internal,
    channel: p.internal ? 'internal-note' : p.channel,
    via: p.fromAgent ? 'helpdesk' : (VIA[p.channel] ?? 'api'),
    source: {
      type: sourceType,
      from: { name: sender.name, address: sender.email },
      to: [{ name: receiver.name, address: receiver.email }],
      cc: [],
      bcc: [],
    },
    sender,
    receiver: p.internal ? null : receiver,
    integration_id: null,
    rule_id: null,
    from_agent: p.fromAgent,
    subject: p.subject,
    body_text: text + signature,
    body_html: html + (signature ? `<div class="gorgias_signature">${escapeHtml(signature.trim())}</div>` : ''),
    stripped_text: text,
    stripped_html: html,
    stripped_signature: signature.trim() || null,
    attachments: p.withAttachment
      ? [
          {
            url: `https://uploads.gorgias.test/${subdomain}/${p.ticketId}/photo-${p.created}.jpg`,
            name: `photo ${p.orderNo}.jpg`,
            size: 20_000 + (p.created % 500_000),
            content_type: 'image/jpeg',
            public: true,
            extra: null,
          },
        ]
      : [],
    actions: null,
    macros: [],
    meta: null,
    headers: null,
    created_datetime: gorgiasDatetime(p.created),
    sent_datetime: gorgiasDatetime(p.created),
    opened_datetime: null,
    failed_datetime: null,
    deleted_datetime: null,
    last_sending_error: null,
  };
}
