"""Value-chain records: milk deliveries to a cooperative, seaweed and patchouli sales, matched to customers.

`parse` checks one record (pure); `files` reads CSV and JSON with line numbers; `store` matches customers
and keeps each record once (`row_hash`); `keys` issues and checks the API keys of record sources; `web`
is `POST /records`; `cli` is `jembatan records import|key`; `reads` gives scoring the records of a customer.
"""
