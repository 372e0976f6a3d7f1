/** Words the seed picks from: unicode names, emoji and HTML-like subjects, several languages. */
export const FIRST = ['Alice', 'Bob', 'Chloé', 'Dmitri', 'Émilie', 'François', 'Grace', 'Hiroshi', 'Ingrid', 'José', 'Kateřina', 'Liam', 'Møller', 'Nadia', 'Olúwa', 'Priya', 'Quentin', 'Renée', 'Søren', 'Tomás', 'Uma', 'Václav', 'Wei', 'Xóchitl', 'Yūki', 'Zoë', '李', 'Олег', 'محمد', 'Ζωή'];
export const LAST = ['Anderson', 'Brontë', 'Çelik', 'Dupont', 'Eriksson', 'Fernández', 'García', 'Hoffmann', 'Ibáñez', "O'Brien", 'Jürgens', 'Kowalski', 'Lefèvre', 'Müller', 'Nguyễn', 'Okafor', 'Petrov', 'Quiñones', 'Rossi', 'Sørensen', 'Takahashi', 'Ünal', 'Van der Berg', 'Wiśniewski', '明', 'Иванова', 'الحسن', 'Παπαδόπουλος'];
export const AGENTS = [
  { firstname: 'Sam', lastname: 'Support' },
  { firstname: 'Ava', lastname: 'Agent' },
  { firstname: 'Noé', lastname: 'Helpdesk' },
  { firstname: 'Kim', lastname: 'Care' },
  { firstname: 'Lou', lastname: 'Service' },
];
export const TEAMS = ['Tier 1', 'Tier 2', 'Billing', 'Returns'];
export const TAG_NAMES = ['refund', 'shipping', 'urgent', 'vip', 'damaged', 'order-status', 'exchange', 'billing', 'feedback', 'bug', 'wholesale', 'réclamation'];
export const PRIORITIES = ['low', 'normal', 'normal', 'normal', 'high', 'critical'];
export const CHANNELS = ['email', 'email', 'email', 'chat', 'chat', 'phone', 'sms', 'facebook', 'instagram-direct-message', 'api', 'contact_form'];
export const VIA: Record<string, string> = {
  email: 'email',
  chat: 'gorgias_chat',
  phone: 'phone',
  sms: 'sms',
  facebook: 'facebook',
  'instagram-direct-message': 'instagram',
  api: 'api',
  contact_form: 'contact_form',
};
export const SOURCE_TYPE: Record<string, string> = {
  email: 'email',
  chat: 'chat',
  phone: 'phone',
  sms: 'sms',
  facebook: 'facebook-message',
  'instagram-direct-message': 'instagram-direct-message',
  api: 'api',
  contact_form: 'contact_form',
};
export const LANGUAGES = ['en', 'en', 'en', 'fr', 'de', 'es', null];
export const SUBJECTS = [
  'Where is my order #%N?',
  'Refund request for order %N',
  'Wrong size received 👕',
  'Colis endommagé — besoin d’aide',
  'Question about "Premium" plan',
  'Can I change my address? 🏠',
  'Discount code <SPRING20> not working',
  'Produkt defekt: Rücksendung',
  '¿Dónde está mi pedido?',
  'Thanks!!! 🙏🎉',
  'Invoice & receipt for %N',
  'Cancel my subscription',
  'Re: Re: Fwd: tracking number',
  '注文について',
  'Item arrived late 😞',
  "Can't log in to my account",
];
export const CUSTOMER_LINES = [
  'Hi, I ordered %N last week and it still has not arrived. Could you check?',
  'The package arrived damaged, the box was crushed. What can you do?',
  "I'd like to return this item, it doesn't fit. How do I proceed?",
  'Bonjour, je n’ai toujours pas reçu ma commande. Merci de vérifier 🙏',
  'My promo code <SPRING20> is rejected at checkout & I am annoyed.',
  'Can you send me the invoice for order %N please?',
  'Thank you so much, that solved it! 😊',
  '¿Pueden ayudarme con el cambio de talla?',
];
export const AGENT_LINES = [
  'Hello %F, thanks for reaching out! I checked order %N and it is on its way.',
  'Sorry to hear that, %F. I have issued a full refund; you will see it in 3-5 days.',
  'Hi %F, here is your return label. Let us know if you need anything else.',
  'Bonjour %F, votre colis est en cours de livraison. Bonne journée !',
  'I have applied the discount manually, %F. Your new total is $42.00.',
  'Thanks %F, I am closing this ticket. Have a great day! 🌟',
];
