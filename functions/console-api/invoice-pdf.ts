import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDbInvoiceStore } from '#shared/aws/dynamodb-invoices.ts';
import { S3InvoiceDocuments } from '#shared/aws/s3-invoice-documents.ts';
import { requireEnv } from '#shared/config/runtime.ts';
import { POLICIES } from '#shared/domain/authorization.ts';
import { withObservability } from '#shared/observability.ts';
import { authorized, errorResponse, json } from './http.ts';

const invoices = new DynamoDbInvoiceStore({
  client: new DynamoDBClient({}),
  tableName: requireEnv('TABLE_NAME'),
});
const documents = new S3InvoiceDocuments({
  client: new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) }),
  bucketName: requireEnv('ARCHIVE_BUCKET_NAME'),
});

/** GET /api/invoices/{invoiceNumber}/pdf — the archived PDF of an invoice, as it was issued. */
export async function invoicePdf(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const number = event.pathParameters?.invoiceNumber ?? '';
    const record = /^[A-Za-z0-9-]{1,40}$/.test(number) ? await invoices.get(number) : undefined;
    if (!record) return json(404, { error: 'NotFound', message: `No invoice ${number}` });
    const pdf = await documents.getDocument(record.documents.pdf);
    if (!pdf)
      return json(404, { error: 'NotFound', message: `The PDF of invoice ${number} is not archived yet` });
    return {
      statusCode: 200,
      headers: {
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="${number}.pdf"`,
      },
      isBase64Encoded: true,
      body: Buffer.from(pdf).toString('base64'),
    };
  } catch (error) {
    return errorResponse(error);
  }
}

export const handler = withObservability(authorized(POLICIES.read, invoicePdf));
