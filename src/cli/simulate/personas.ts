// Buyers for simulated messages; accented names exercise the charset (é is %E9 in windows-1252,
// %C3%A9 in UTF-8). Every character here exists in windows-1252.

export interface Persona {
  firstName: string;
  lastName: string;
  email: string;
  street: string;
  city: string;
  state: string;
  zip: string;
  country: string;
  countryCode: string;
  itemName: string;
  itemNumber: string;
}

export const PERSONAS: readonly Persona[] = [
  {
    firstName: 'Renée',
    lastName: 'Tremblay',
    email: 'renee.tremblay@example.ca',
    street: '1200 rue de la Gauchetière O',
    city: 'Montréal',
    state: 'QC',
    zip: 'H3B 2M2',
    country: 'Canada',
    countryCode: 'CA',
    itemName: 'Café Starter Kit',
    itemNumber: 'KIT-01',
  },
  {
    firstName: 'José',
    lastName: 'Conceição',
    email: 'jose.conceicao@example.com.br',
    street: 'Rua Augusta, 1508',
    city: 'São Paulo',
    state: 'SP',
    zip: '01304-001',
    country: 'Brazil',
    countryCode: 'BR',
    itemName: 'Annual Plan (Pro)',
    itemNumber: 'PRO-12M',
  },
  {
    firstName: 'Marcus',
    lastName: 'Reyes',
    email: 'm.reyes+shop@example.com',
    street: '88 Harbor Rd',
    city: 'Savannah',
    state: 'GA',
    zip: '31401',
    country: 'United States',
    countryCode: 'US',
    itemName: 'Logo T-Shirt (Black, L)',
    itemNumber: 'TSHIRT-BLK-L',
  },
];

export function personaFor(sequence: number): Persona {
  return PERSONAS[Math.abs(sequence) % PERSONAS.length] as Persona;
}
