import { buildSchema, GraphQLObjectType } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_FIELDS_WITHOUT_COLUMNS } from '../model/message.table';
import { ticketIncludesSql } from './ticket-includes.repository';

describe('ticketIncludesSql', () => {
  it('brings every Message field a page can ask for in the JSON of its messages (none silently null)', () => {
    const schema = buildSchema(readFileSync(join(__dirname, '../../../schema.gql'), 'utf8'));
    const fields = Object.keys((schema.getType('Message') as GraphQLObjectType).getFields()).filter(
      (f) => !MESSAGE_FIELDS_WITHOUT_COLUMNS.includes(f),
    );
    const page = { key: 'messages', size: 5, atRaw: '', backward: false, totalCount: false, cursors: false, fields: new Set(fields) };
    const sql = ticketIncludesSql((v) => String(v), { customerKeys: [], messages: [page] })('SELECT 1');
    expect(fields.filter((f) => !sql.includes(`'${f}', `))).toEqual([]);
  });
});
