import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';

/** Every migration, in order. Listed explicitly so that ts-node, jest and the built app load the same set. */
export const migrations = [InitialSchema1764000000000];
