import { CustomerEntity } from './customer.entity';
import { MessageEntity } from './message.entity';
import { TicketEntity } from './ticket.entity';

export { CustomerEntity, MessageEntity, TicketEntity };
export const TICKET_ENTITIES = [TicketEntity, MessageEntity, CustomerEntity];
