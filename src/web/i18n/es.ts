import type { Messages } from './en';

/** El catálogo en español: el tipo `Messages` exige exactamente las claves del inglés. */
export const es: Messages = {
  site: {
    name: 'Keiko',
    skipToContent: 'Saltar al contenido principal',
    mainNavigation: 'Principal',
    home: 'Inicio',
    apiDocs: 'Documentación de la API',
    signIn: 'Iniciar sesión',
    signOut: 'Cerrar sesión',
    signedInAs: (name: string) => `Sesión iniciada como ${name}`,
    language: 'Idioma',
    footer: 'Keiko LRS: un almacén de registros de aprendizaje xAPI 1.0.3.',
  },
  home: {
    title: 'Keiko LRS',
    lead: 'Keiko es un almacén de registros de aprendizaje (LRS): guarda los registros de aprendizaje (sentencias xAPI) que le envían cursos, aplicaciones e instituciones, y permite leerlos y verificarlos.',
    whatTitle: 'Qué hace',
    what: [
      'Guarda y sirve sentencias, documentos, agentes y actividades xAPI 1.0.3.',
      'Ancla lotes de sentencias en una cadena pública, para que cualquiera pueda comprobar que un registro no se modificó después.',
      'Comprueba las sentencias contra perfiles xAPI cuando llegan.',
    ],
    developersTitle: 'Para desarrolladores',
    developers: 'El punto de acceso xAPI está en /xapi. Cada ruta está descrita en la documentación de la API.',
    signInPrompt: 'Estudiantes y personal inician sesión para ver sus registros.',
  },
  errors: {
    notFoundTitle: 'Página no encontrada',
    notFound: 'No hay ninguna página en esta dirección. Revise la dirección o vuelva a la página de inicio.',
    serverErrorTitle: 'Algo salió mal',
    serverError: 'El servidor no pudo mostrar esta página. Inténtelo de nuevo en un momento.',
    requestErrorTitle: 'No se pudo atender esta solicitud',
    backHome: 'Volver a la página de inicio',
  },
  forms: {
    problemTitle: 'No se pudo hacer',
    problemGeneric: 'No se ha cambiado nada. Revisa el formulario e inténtalo de nuevo.',
    problemDetails: 'Detalles',
    problemBack: 'Volver al formulario',
  },
  charts: {
    dataTable: 'Tabla de datos',
    total: 'Total',
  },
};
