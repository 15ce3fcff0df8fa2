/** What a catalogue entry is: a sentence, or a sentence's two plural forms. */
export type Plural = { one: string; other: string };
export type Message = string | Plural;
